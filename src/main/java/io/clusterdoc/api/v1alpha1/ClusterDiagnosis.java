package io.clusterdoc.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Cluster-scoped diagnosis: the spec says what to look at, the status lists what is wrong.
 * The operator keeps the status current; {@code kubectl get clusterdiagnosis} shows the counts.
 */
@Group(ClusterDiagnosis.GROUP)
@Version(ClusterDiagnosis.VERSION)
@Plural("clusterdiagnoses")
@ShortNames("cdiag")
@AdditionalPrinterColumn(name = "CRITICAL", jsonPath = ".status.summary.critical", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "WARNING", jsonPath = ".status.summary.warning", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "INFO", jsonPath = ".status.summary.info", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "UPDATED", jsonPath = ".status.lastUpdated", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ClusterDiagnosis extends CustomResource<ClusterDiagnosisSpec, ClusterDiagnosisStatus> {
  public static final String GROUP = "clusterdoc.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected ClusterDiagnosisSpec initSpec() {
    return new ClusterDiagnosisSpec();
  }
}
