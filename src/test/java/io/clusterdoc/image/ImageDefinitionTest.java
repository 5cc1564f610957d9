package io.clusterdoc.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.image.Dockerfile.Stage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator image has two build files, operator/Dockerfile and the jib configuration in pom.xml, and the Helm
 * chart relies on what they build. Neither can be built here (no container engine), so this reads all three and
 * checks that they agree: base image, user, port, entrypoint and arguments, JVM options and where the jar and the
 * logging configuration are.
 */
class ImageDefinitionTest {
  private static final String JAR = "/opt/clusterdoc/clusterdoc.jar";

  private static Dockerfile dockerfile;
  private static JibConfiguration pom;
  private static ChartDeployment chart;

  @BeforeAll
  static void readBuildFiles() throws IOException {
    dockerfile = Dockerfile.read(Path.of("operator/Dockerfile"));
    pom = JibConfiguration.read(Path.of("pom.xml"));
    chart = ChartDeployment.read(Path.of("helm/clusterdoc"));
  }

  @Test
  void theDockerfileBuildsTheOperatorImage() {
    ImageDefinition image = dockerfile.definition();

    assertThat(image.baseImage()).isEqualTo("eclipse-temurin:17-jre");
    assertThat(image.user()).as("numeric, so that the kubelet can enforce runAsNonRoot").isEqualTo("65532:65532");
    assertThat(image.ports()).containsExactly("8080");
    assertThat(image.entrypoint()).containsExactly("java", "-jar", JAR);
    assertThat(image.cmd()).containsExactly("run");
    assertThat(image.javaToolOptions()).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
    assertThat(image.files()).containsEntry(JAR, pom.packagedJar());
    assertThat(image.systemProperty("logback.configurationFile")).isPresent()
        .hasValueSatisfying(path -> assertThat(image.files()).containsEntry(path, "operator/logback.xml"));
  }

  @Test
  void theBuildStagePackagesTheJarWithTheMavenWrapperOnAJdk() {
    Stage build = dockerfile.stage("0");

    assertThat(build.image()).isEqualTo("eclipse-temurin:17-jdk");
    assertThat(build.all("RUN")).anySatisfy(run -> assertThat(run).contains("./mvnw").contains("package"));
  }

  @Test
  void jibBuildsTheSameImageAsTheDockerfile() {
    assertThat(pom.definition()).usingRecursiveComparison().isEqualTo(dockerfile.definition());
  }

  @Test
  void jibBuildsOnlyWhenAskedTo() {
    assertThat(pom.boundToAPhase()).as("jib bound to a phase would build or push an image in ./mvnw verify")
        .isFalse();
  }

  @Test
  void jibTagsTheImageTheChartInstallsByDefault() {
    String repository = chart.value("image.repository");
    String tag = chart.value("image.tag");

    // A chart without a default tag picks one itself (e.g. its appVersion): then only the repository must agree.
    assertThat(pom.targetImage()).hasValueSatisfying(image -> assertThat(image)
        .matches(Pattern.quote(repository) + ":" + (tag == null || tag.isBlank() ? ".+" : Pattern.quote(tag))));
  }

  @Test
  void theChartRunsThePodAsTheImageUser() {
    String[] user = dockerfile.definition().user().split(":");

    assertThat(concat(chart.templateSettings("runAsUser"), chart.valuesSettings("runAsUser")))
        .isNotEmpty().containsOnly(user[0]);
    assertThat(concat(chart.templateSettings("runAsGroup"), chart.valuesSettings("runAsGroup")))
        .allMatch(user[1]::equals, "the image's gid " + user[1]);
  }

  @Test
  void theChartServesOnThePortTheImageExposes() {
    assertThat(chart.templateSettings("containerPort")).containsExactlyElementsOf(dockerfile.definition().ports());
  }

  @Test
  void theChartKeepsTheEntrypointAndRunsTheOperator() {
    assertThat(chart.overridesEntrypoint()).as("a command would replace java -jar " + JAR).isFalse();
    assertThat(chart.args()).first().isEqualTo(dockerfile.definition().cmd().get(0));
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
