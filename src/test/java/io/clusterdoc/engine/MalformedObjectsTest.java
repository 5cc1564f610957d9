package io.clusterdoc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.ObjectStore;
import io.clusterdoc.cluster.Pruning;
import io.clusterdoc.input.ManifestReader;
import io.clusterdoc.rules.RuleCatalog;
import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.testing.LogCapture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Malformed or unexpected objects never make a rule fail: every object of every rule fixture is damaged in many
 * ways (parts missing, unknown enum values, empty strings, negative and huge numbers, unreadable and far-future
 * timestamps, emptied lists, empty list elements, a huge annotation), each damaged object keeping its identity. Each
 * is applied as an update of the healthy object and back, and full passes run over the fixture with damaged objects
 * beside healthy ones. A rule that throws keeps stale findings for the object, so any "could not evaluate" line
 * from the engine fails the test.
 */
class MalformedObjectsTest {
  private static final Path FIXTURES = Path.of("src/test/resources/io/clusterdoc/rules");
  /** Inside the fixtures' time range, as in PruningSafetyTest. */
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  /** Well below the number of damaged objects the fixtures give, so that losing most of them fails the test. */
  private static final int FLOOR = 25_000;
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String MIB = "x".repeat(1024 * 1024);

  /** A way to damage an object: each gives the damaged copies of an object's tree, possibly none. */
  private enum Mutation {
    NO_STATUS(root -> List.of(without(root, "status"))),
    NO_SPEC(root -> List.of(without(root, "spec"))),
    NULL_LABELS(root -> List.of(withMetadata(root, "labels", NODES.nullNode()))),
    EMPTY_LABELS(root -> List.of(withMetadata(root, "labels", NODES.objectNode()))),
    NULL_ANNOTATIONS(root -> List.of(withMetadata(root, "annotations", NODES.nullNode()))),
    EMPTY_ANNOTATIONS(root -> List.of(withMetadata(root, "annotations", NODES.objectNode()))),
    HUGE_ANNOTATION(root -> {
      ObjectNode copy = root.deepCopy();
      copy.withObjectProperty("metadata").withObjectProperty("annotations").put("example.com/huge", MIB);
      return List.of(copy);
    }),
    UNKNOWN_STATUS_STRINGS(eachNode(MalformedObjectsTest::observed, JsonNode::isTextual,
        n -> TextNode.valueOf("Bogus"))),
    EMPTY_STATUS_STRINGS(eachNode(MalformedObjectsTest::observed, JsonNode::isTextual, n -> TextNode.valueOf(""))),
    NEGATIVE_NUMBERS(eachNode(MalformedObjectsTest::body, JsonNode::isNumber, n -> IntNode.valueOf(-1))),
    HUGE_NUMBERS(eachNode(MalformedObjectsTest::body, JsonNode::isNumber, n -> IntNode.valueOf(Integer.MAX_VALUE))),
    UNREADABLE_TIMESTAMPS(eachNode(MalformedObjectsTest::whole, MalformedObjectsTest::isTimestamp,
        n -> TextNode.valueOf("yesterday at noon"))),
    FAR_FUTURE_TIMESTAMPS(eachNode(MalformedObjectsTest::whole, MalformedObjectsTest::isTimestamp,
        n -> TextNode.valueOf("9999-12-31T23:59:59Z"))),
    MISSING_PARTS(eachNode(MalformedObjectsTest::observed, JsonNode::isContainerNode, n -> MissingNode.getInstance())),
    EMPTY_LISTS(eachNode(MalformedObjectsTest::whole, MalformedObjectsTest::isFilledList, n -> NODES.arrayNode())),
    EMPTY_LIST_ELEMENTS(eachNode(MalformedObjectsTest::whole, MalformedObjectsTest::isFilledList, n -> {
      ArrayNode empties = NODES.arrayNode();
      n.forEach(element -> empties.addObject());
      return empties;
    }));

    private final Function<ObjectNode, List<ObjectNode>> damage;

    Mutation(Function<ObjectNode, List<ObjectNode>> damage) {
      this.damage = damage;
    }
  }

  /** A damaged object, and what it was made from, to name it in a failure. */
  private record Variant(Mutation mutation, int index, HasMetadata healthy, HasMetadata damaged) {
    @Override
    public String toString() {
      return mutation + " #" + index + " of " + healthy.getKind() + " " + Keys.of(healthy);
    }
  }

  private final Map<Mutation, Integer> evaluated = new EnumMap<>(Mutation.class);
  private final List<String> failures = new ArrayList<>();

  @Test
  void noRuleFailsOnADamagedObject() throws IOException {
    try (LogCapture log = LogCapture.of(Engine.class); Stream<Path> files = Files.walk(FIXTURES)) {
      for (Path fixture : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        check(fixture, log);
      }
    }
    int total = evaluated.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf("%,d damaged objects evaluated: %s%n", total, evaluated);

    assertThat(failures).as("rules that could not evaluate a damaged object").isEmpty();
    assertThat(evaluated).as("every mutation gives objects the model still reads").containsKeys(Mutation.values());
    assertThat(total).isGreaterThanOrEqualTo(FLOOR);
  }

  /**
   * Applies each damaged object of the fixture as an update of its healthy object and back; then runs full passes,
   * the n-th with the n-th damaged copy of every object that has one.
   */
  private void check(Path fixture, LogCapture log) throws IOException {
    ManifestReader.Result read = new ManifestReader().read(fixture);
    List<List<Variant>> variants = read.objects().stream().map(MalformedObjectsTest::variants).toList();
    // Pruned once here rather than on each of the many times they are stored, as the operator's informers do.
    read.objects().forEach(Pruning::prune);
    ObjectStore store = ObjectStore.ofPrunedObjects();
    read.objects().forEach(store::put);
    read.logs().forEach(store::putLog);
    Engine engine = new Engine(store, RuleCatalog.all(), EngineConfig.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC),
        Engine.Listener.NONE);
    engine.fullPass();

    for (List<Variant> ofObject : variants) {
      for (Variant variant : ofObject) {
        engine.onChange(store.put(variant.damaged()).orElse(null), variant.damaged());
        engine.onChange(store.put(variant.healthy()).orElse(null), variant.healthy());
        noteFailures(log, fixture + ", " + variant + " as an update");
      }
    }
    int rounds = variants.stream().mapToInt(List::size).max().orElse(0);
    for (int round = 0; round < rounds; round++) {
      for (List<Variant> ofObject : variants) {
        if (round < ofObject.size()) {
          store.put(ofObject.get(round).damaged());
        } else if (!ofObject.isEmpty()) {
          store.put(ofObject.get(0).healthy());
        }
      }
      engine.fullPass();
      noteFailures(log, fixture + ", full pass " + round);
    }
    variants.stream().flatMap(List::stream).forEach(v -> evaluated.merge(v.mutation(), 1, Integer::sum));
  }

  /** Keeps the engine's failure lines, whatever their level, with what was being done, and forgets what it logged. */
  private void noteFailures(LogCapture log, String during) {
    log.messages().stream().filter(line -> line.contains(" could not evaluate "))
        .forEach(line -> failures.add(during + ": " + line));
    log.clear();
  }

  /** Every damaged copy of the object that the model reads back, keeps the object's identity and would be stored. */
  private static List<Variant> variants(HasMetadata healthy) {
    ObjectNode tree = SERIALIZATION.convertValue(healthy, ObjectNode.class);
    List<Variant> variants = new ArrayList<>();
    for (Mutation mutation : Mutation.values()) {
      List<ObjectNode> damaged = mutation.damage.apply(tree);
      for (int i = 0; i < damaged.size(); i++) {
        HasMetadata object = readBack(damaged.get(i), healthy.getClass());
        if (object != null && ObjectStore.isInput(object)) {
          Pruning.prune(object);
          assertThat(identity(object)).isEqualTo(identity(healthy));
          variants.add(new Variant(mutation, i, healthy, object));
        }
      }
    }
    return variants;
  }

  /** Null when the model cannot hold the damaged value (a type mismatch): the reader's concern, not a rule's. */
  private static HasMetadata readBack(ObjectNode tree, Class<? extends HasMetadata> type) {
    try {
      return SERIALIZATION.convertValue(tree, type);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String identity(HasMetadata object) {
    return object.getKind() + " " + Keys.of(object) + " " + object.getMetadata().getUid();
  }

  /**
   * A copy of the tree for each node within the given parts (the parts included) that passes the test, with that one
   * node replaced: the tree walk behind the mutations of single values.
   */
  private static Function<ObjectNode, List<ObjectNode>> eachNode(Function<ObjectNode, Stream<JsonPointer>> parts,
      Predicate<JsonNode> test, Function<JsonNode, JsonNode> replacement) {
    return root -> parts.apply(root)
        .flatMap(part -> pointers(root.at(part), part, test))
        .map(pointer -> replaced(root, pointer, replacement.apply(root.at(pointer))))
        .toList();
  }

  /** The pointers of the node and of every node below it that pass the test, in document order. */
  private static Stream<JsonPointer> pointers(JsonNode node, JsonPointer at, Predicate<JsonNode> test) {
    Stream<JsonPointer> self = test.test(node) ? Stream.of(at) : Stream.empty();
    Stream<JsonPointer> below;
    if (node.isObject()) {
      below = node.properties().stream().flatMap(e -> pointers(e.getValue(), at.appendProperty(e.getKey()), test));
    } else if (node.isArray()) {
      below = Stream.iterate(0, i -> i < node.size(), i -> i + 1)
          .flatMap(i -> pointers(node.get(i), at.appendIndex(i), test));
    } else {
      below = Stream.empty();
    }
    return Stream.concat(self, below);
  }

  /** A copy of the tree with the node at the pointer replaced, or removed when the value is the missing node. */
  private static ObjectNode replaced(ObjectNode root, JsonPointer pointer, JsonNode value) {
    ObjectNode copy = root.deepCopy();
    JsonNode parent = copy.at(pointer.head());
    if (parent instanceof ArrayNode array) {
      int index = pointer.last().getMatchingIndex();
      if (value.isMissingNode()) {
        array.remove(index);
      } else {
        array.set(index, value);
      }
    } else if (value.isMissingNode()) {
      ((ObjectNode) parent).remove(pointer.last().getMatchingProperty());
    } else {
      ((ObjectNode) parent).set(pointer.last().getMatchingProperty(), value);
    }
    return copy;
  }

  private static ObjectNode without(ObjectNode root, String field) {
    ObjectNode copy = root.deepCopy();
    copy.remove(field);
    return copy;
  }

  private static ObjectNode withMetadata(ObjectNode root, String field, JsonNode value) {
    ObjectNode copy = root.deepCopy();
    copy.withObjectProperty("metadata").set(field, value);
    return copy;
  }

  /**
   * What the object reports of its state: its status, or all of it but its metadata for kinds that have none (Events,
   * Endpoints, ConfigMaps, webhook configurations).
   */
  private static Stream<JsonPointer> observed(ObjectNode root) {
    return root.has("status") ? Stream.of(JsonPointer.compile("/status")) : body(root);
  }

  /** Every part of the object but its kind and metadata. */
  private static Stream<JsonPointer> body(ObjectNode root) {
    return root.properties().stream().map(Map.Entry::getKey)
        .filter(field -> !List.of("apiVersion", "kind", "metadata").contains(field))
        .map(field -> JsonPointer.empty().appendProperty(field));
  }

  /** The whole object, its metadata included: names are neither timestamps nor lists, so identity is kept. */
  private static Stream<JsonPointer> whole(ObjectNode root) {
    return Stream.of(JsonPointer.empty());
  }

  private static boolean isTimestamp(JsonNode node) {
    return node.isTextual() && Timestamps.parse(node.textValue()).isPresent();
  }

  private static boolean isFilledList(JsonNode node) {
    return node.isArray() && !node.isEmpty();
  }
}
