package io.clusterdoc.image;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an image build file says the operator image is: what a container started from it runs, as whom, and which
 * files it adds at which path. Both build files are read into this, so that comparing them is one equality.
 *
 * @param baseImage the image the runtime is built on
 * @param user {@code uid:gid} the process runs as
 * @param ports the exposed ports, without the default {@code /tcp}
 * @param environment the variables the build file sets (not those of the base image)
 * @param entrypoint the entrypoint in exec form
 * @param cmd the default arguments
 * @param files image path of every file added, to its path in the project (e.g. {@code target/clusterdoc.jar})
 */
record ImageDefinition(String baseImage, String user, List<String> ports, Map<String, String> environment,
    List<String> entrypoint, List<String> cmd, Map<String, String> files) {

  /** The JVM options every java process in the image picks up. */
  List<String> javaToolOptions() {
    String options = environment.getOrDefault("JAVA_TOOL_OPTIONS", "");
    return options.isBlank() ? List.of() : Arrays.asList(options.trim().split("\\s+"));
  }

  /** A system property set through JAVA_TOOL_OPTIONS. */
  Optional<String> systemProperty(String name) {
    String prefix = "-D" + name + "=";
    return javaToolOptions().stream().filter(o -> o.startsWith(prefix)).map(o -> o.substring(prefix.length()))
        .findFirst();
  }

  /** Ports are TCP unless they say otherwise; both build files may write 8080 or 8080/tcp. */
  static String normalizePort(String port) {
    return port.trim().toLowerCase(Locale.ROOT).replaceFirst("/tcp$", "");
  }
}
