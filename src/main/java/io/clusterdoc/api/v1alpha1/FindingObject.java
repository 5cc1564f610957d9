package io.clusterdoc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** A reference to a Kubernetes object, enough to find it with kubectl. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FindingObject {
  @JsonPropertyDescription("API version of the object, for example v1.")
  private String apiVersion;

  @JsonPropertyDescription("Kind of the object, for example Pod.")
  private String kind;

  @JsonPropertyDescription("Namespace of the object; absent for cluster-scoped objects.")
  private String namespace;

  @JsonPropertyDescription("Name of the object.")
  private String name;

  @JsonPropertyDescription("UID of the object.")
  private String uid;

  public FindingObject() {
  }

  public FindingObject(String apiVersion, String kind, String namespace, String name, String uid) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.namespace = namespace;
    this.name = name;
    this.uid = uid;
  }

  public String getApiVersion() {
    return apiVersion;
  }

  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getUid() {
    return uid;
  }

  public void setUid(String uid) {
    this.uid = uid;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FindingObject r
        && Objects.equals(apiVersion, r.apiVersion) && Objects.equals(kind, r.kind)
        && Objects.equals(namespace, r.namespace) && Objects.equals(name, r.name)
        && Objects.equals(uid, r.uid);
  }

  @Override
  public int hashCode() {
    return Objects.hash(apiVersion, kind, namespace, name, uid);
  }
}
