package io.clusterdoc.rules.limits;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.cluster.Pruning;
import io.clusterdoc.engine.ClusterRule;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The cluster CA in the {@code kube-root-ca.crt} ConfigMaps expires within the threshold (warning) or within 7 days
 * or has expired (critical). kube-controller-manager copies the same bundle into every namespace, so the copies are
 * one subject and each distinct certificate is reported once: on the copy in kube-system when there is one, else on
 * the first copy by namespace.
 */
public final class CertificateExpiring extends ClusterRule {
  public static final String ID = "certificate-expiring";

  static final String CONFIG_MAP = "kube-root-ca.crt";
  static final String KEY = "ca.crt";
  static final Duration CRITICAL = Duration.ofDays(7);
  private static final String PREFERRED_NAMESPACE = "kube-system";
  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", Pattern.DOTALL);

  /** A certificate to report, with the severity it earns now. */
  private record Expiring(X509Certificate certificate, Severity severity, boolean expired) {

    Instant notAfter() {
      return certificate.getNotAfter().toInstant();
    }

    String subject() {
      return certificate.getSubjectX500Principal().getName();
    }

    String expiry() {
      return (expired ? "expired on " : "expires on ") + notAfter();
    }
  }

  public CertificateExpiring() {
    super(ID, Severity.WARNING,
        "Cluster CA certificate (kube-root-ca.crt) or, when enabled, a TLS Secret's certificate expires within the "
            + "threshold (critical within 7 days)",
        Threshold.of(Duration.ofDays(30)), Kind.CONFIG_MAP, Kind.SECRET);
  }

  @Override
  protected boolean concerns(HasMetadata changed, ClusterView view) {
    return changed instanceof Secret
        || changed instanceof ConfigMap && CONFIG_MAP.equals(changed.getMetadata().getName());
  }

  @Override
  protected List<Finding> check(ClusterView view, RuleContext context) {
    Duration warning = context.threshold().compareTo(CRITICAL) > 0 ? context.threshold() : CRITICAL;
    List<Finding> findings = new ArrayList<>(clusterCa(view, warning, context));
    // TLS Secrets are in view only when the user enabled them (they need permission to read Secrets)
    view.all(Secret.class).stream().sorted(Comparator.comparing(Keys::of)).forEach(secret -> {
      List<Expiring> expiring = certificates(tlsCertificate(secret)).stream()
          .map(certificate -> classify(certificate, warning, context)).flatMap(Optional::stream).toList();
      if (!expiring.isEmpty()) {
        findings.add(secretFinding(secret, expiring, warning));
      }
    });
    return findings;
  }

  private List<Finding> clusterCa(ClusterView view, Duration warning, RuleContext context) {
    Map<ConfigMap, List<Expiring>> byCopy = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    Map<String, List<X509Certificate>> parsed = new LinkedHashMap<>();
    for (ConfigMap copy : copies(view)) {
      for (X509Certificate certificate : parsed.computeIfAbsent(bundle(copy), CertificateExpiring::certificates)) {
        if (seen.add(fingerprint(certificate))) {
          classify(certificate, warning, context)
              .ifPresent(expiring -> byCopy.computeIfAbsent(copy, c -> new ArrayList<>()).add(expiring));
        }
      }
    }
    return byCopy.entrySet().stream().map(e -> finding(e.getKey(), e.getValue(), warning)).toList();
  }

  private static String tlsCertificate(Secret secret) {
    String encoded = secret.getData() == null ? null : secret.getData().get(Pruning.TLS_CERTIFICATE);
    try {
      return encoded == null ? "" : new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private Finding secretFinding(Secret secret, List<Expiring> expiring, Duration warning) {
    Severity severity = expiring.stream().map(Expiring::severity).min(Comparator.naturalOrder()).orElseThrow();
    boolean anyExpired = expiring.stream().anyMatch(Expiring::expired);
    String namespace = secret.getMetadata().getNamespace();
    String name = secret.getMetadata().getName();
    return finding(ObjectRef.of(secret), severity)
        .message("TLS Secret " + Keys.of(secret) + " holds " + expiring.stream().map(e -> e.subject() + " " + e.expiry())
            .collect(Collectors.joining("; ")) + (anyExpired ? "" : ", within " + Durations.format(
                severity == Severity.CRITICAL ? CRITICAL : warning)) + ".")
        .cause("Whatever serves this Secret (an Ingress, a webhook, an application) presents "
            + (anyExpired ? "an expired certificate: clients fail with \"x509: certificate has expired or is not yet "
                + "valid\"." : "a certificate that expires soon; clients will then refuse it.")
            + " If cert-manager manages it, its renewal has not happened.")
        .remediation("Check it: kubectl -n " + namespace + " get secret " + name + " -o jsonpath='{.data.tls\\.crt}' "
            + "| base64 -d | openssl x509 -noout -subject -enddate. With cert-manager, kubectl -n " + namespace
            + " describe certificate (the Certificate that writes this Secret) shows why renewal fails. Otherwise "
            + "replace it with a renewed certificate: kubectl -n " + namespace + " create secret tls " + name
            + " --cert=tls.crt --key=tls.key --dry-run=client -o yaml | kubectl apply -f -; most ingress controllers "
            + "pick it up without a restart.")
        .build();
  }

  /** The representative copy first: kube-system, then by namespace. */
  private static List<ConfigMap> copies(ClusterView view) {
    return view.all(ConfigMap.class).stream()
        .filter(configMap -> CONFIG_MAP.equals(configMap.getMetadata().getName()))
        .sorted(Comparator.comparing((ConfigMap c) -> !PREFERRED_NAMESPACE.equals(c.getMetadata().getNamespace()))
            .thenComparing(c -> Keys.of(c)))
        .toList();
  }

  private static String bundle(ConfigMap copy) {
    return copy.getData() == null || copy.getData().get(KEY) == null ? "" : copy.getData().get(KEY);
  }

  /** Each PEM block on its own, so that one malformed block does not hide the others. */
  private static List<X509Certificate> certificates(String bundle) {
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher block = PEM_BLOCK.matcher(bundle);
    while (block.find()) {
      parse(block.group()).ifPresent(certificates::add);
    }
    return certificates;
  }

  private static Optional<X509Certificate> parse(String pem) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      return Optional.of((X509Certificate) factory.generateCertificate(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
    } catch (CertificateException | RuntimeException e) {
      // Not a certificate: nothing to judge.
      return Optional.empty();
    }
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      return Base64.getEncoder().encodeToString(certificate.getEncoded());
    } catch (CertificateException e) {
      return certificate.getSubjectX500Principal().getName() + "|" + certificate.getSerialNumber();
    }
  }

  /** Severity by time left; a certificate not yet due asks to be looked at again when it crosses the next line. */
  private static Optional<Expiring> classify(X509Certificate certificate, Duration warning, RuleContext context) {
    Instant notAfter = certificate.getNotAfter().toInstant();
    Instant now = context.now();
    if (!now.isBefore(notAfter)) {
      return Optional.of(new Expiring(certificate, Severity.CRITICAL, true));
    }
    Instant critical = notAfter.minus(CRITICAL);
    Instant warned = notAfter.minus(warning);
    if (now.isBefore(warned)) {
      context.recheckAt(warned);
      return Optional.empty();
    }
    context.recheckAt(now.isBefore(critical) ? critical : notAfter);
    return Optional.of(new Expiring(certificate, now.isBefore(critical) ? Severity.WARNING : Severity.CRITICAL,
        false));
  }

  private Finding finding(ConfigMap copy, List<Expiring> expiring, Duration warning) {
    Severity severity = expiring.stream().map(Expiring::severity).min(Comparator.naturalOrder()).orElseThrow();
    boolean anyExpired = expiring.stream().anyMatch(Expiring::expired);
    String where = " in ConfigMap " + Keys.of(copy);
    String message = expiring.size() == 1
        ? "Cluster CA certificate " + expiring.get(0).subject() + where + " " + expiring.get(0).expiry()
            + (anyExpired ? "" : ", within " + (severity == Severity.CRITICAL ? "7d" : Durations.format(warning)))
        : expiring.size() + " cluster CA certificates" + where + " are near or past their expiry: "
            + expiring.stream().map(e -> e.subject() + " " + e.expiry()).collect(Collectors.joining("; "));
    return finding(ObjectRef.of(copy), severity)
        .message(message + ".")
        .cause(cause(anyExpired))
        .remediation(remediation(anyExpired))
        .build();
  }

  private static String cause(boolean expired) {
    String role = "kube-controller-manager publishes the cluster CA (its --root-ca-file, /etc/kubernetes/pki/ca.crt "
        + "with kubeadm) as ConfigMap kube-root-ca.crt in every namespace, and every pod mounts it as "
        + "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt to verify the API server. The API server's serving "
        + "certificate and the client certificates of kubelets, controllers and kubeconfigs are signed by it.";
    return role + (expired
        ? " Since it expired, none of them is trusted: kubelets, controllers, pods and kubectl fail with \"x509: "
            + "certificate has expired or is not yet valid\"."
        : " When it expires, none of them is trusted any more and the cluster stops working.");
  }

  private static String remediation(boolean expired) {
    String check = "On a control-plane node, kubeadm certs check-expiration lists the CAs and the certificates "
        + "they signed with their expiry dates. kubeadm certs renew all (then restart the control-plane static pods, "
        + "on every control-plane node) renews only the certificates signed by the CA, never the CA itself, which "
        + "kubeadm creates for 10 years. ";
    String rotate = "Replacing the CA is a planned operation (Kubernetes docs: Manual rotation of CA certificates): "
        + "trust a bundle of the old and the new CA everywhere, re-issue every certificate from the new CA, restart "
        + "the components and the pods, update kubeconfigs, and only then drop the old CA.";
    return check + rotate + (expired
        ? " With the CA already expired, the cluster must be recovered from the control-plane nodes first."
        : " Start well before the expiry date; raise this rule's threshold to be warned earlier.");
  }
}
