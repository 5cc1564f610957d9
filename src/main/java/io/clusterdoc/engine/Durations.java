package io.clusterdoc.engine;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Kubernetes users write them: 90s, 5m, 1h30m, 2d. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(d|h|m|s)");
  private static final Pattern WHOLE = Pattern.compile("(\\d+(d|h|m|s))+");

  private Durations() {
  }

  /** @throws IllegalArgumentException naming the accepted form */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text.trim()).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 90s, 5m or 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text.trim());
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "d" -> Duration.ofDays(n);
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
    }
    return total;
  }

  /** The two largest units, as people read them: 5m, 1h30m, 2d3h, 0s. */
  public static String format(Duration d) {
    long rest = Math.max(0, d.getSeconds());
    long[] sizes = {86400, 3600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (int i = 0; i < sizes.length && shown < 2; i++) {
      long n = rest / sizes[i];
      rest %= sizes[i];
      if (n > 0 || shown > 0) {
        out.append(n).append(units[i]);
        shown++;
      }
    }
    return out.length() == 0 ? "0s" : out.toString().replaceAll("(?<=\\D)0[dhms]$", "");
  }
}
