package io.clusterdoc.rules.services;

import io.clusterdoc.cluster.Keys;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a Service's Endpoints say about its backends. kube-proxy and the API server send traffic only to the
 * addresses listed under {@code addresses}; the endpoints controller lists a pod that is not Ready under
 * {@code notReadyAddresses} instead.
 */
public final class EndpointsReadiness {
  /** Marks Endpoints used as a leader-election lock: they describe no backend of any Service. */
  public static final String LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";

  private static final int ADDRESSES_SHOWN = 5;

  private EndpointsReadiness() {
  }

  public static boolean anyReady(Endpoints endpoints) {
    return subsets(endpoints).stream().anyMatch(subset -> !nonNull(subset.getAddresses()).isEmpty());
  }

  public static boolean isLeaderLock(Endpoints endpoints) {
    Map<String, String> annotations = endpoints.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(LEADER_ANNOTATION);
  }

  /** One sentence on Endpoints without a ready address: empty, or which addresses are not ready. */
  public static String gap(Endpoints endpoints) {
    List<String> notReady = subsets(endpoints).stream()
        .flatMap(subset -> nonNull(subset.getNotReadyAddresses()).stream())
        .filter(Objects::nonNull)
        .map(EndpointsReadiness::display)
        .distinct()
        .sorted()
        .toList();
    String name = "Endpoints " + Keys.of(endpoints);
    return notReady.isEmpty()
        ? name + " lists no address."
        : name + " lists only not-ready addresses: " + ServiceFindingText.listed(notReady, ADDRESSES_SHOWN) + ".";
  }

  /** {@code pod NAME (IP)} when the address belongs to a pod, else the IP. */
  private static String display(EndpointAddress address) {
    ObjectReference target = address.getTargetRef();
    String ip = Objects.requireNonNullElse(address.getIp(), "?");
    return target != null && "Pod".equals(target.getKind()) && target.getName() != null
        ? "pod " + target.getName() + " (" + ip + ")"
        : ip;
  }

  private static List<EndpointSubset> subsets(Endpoints endpoints) {
    return nonNull(endpoints.getSubsets()).stream().filter(Objects::nonNull).toList();
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
