package io.clusterdoc.benchmark;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import java.lang.reflect.Field;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * fabric8's CRUD mock API server, finding the stored object a write is about through an index by name. The stock
 * lookup compares the request's attributes with every stored object's, each comparison a scan of that object's
 * attributes: at 10,000 pods a write held the server's lock for about 35 ms, and the server took 28 writes a second
 * whatever the operator did. Here only the stored objects of that name are compared, by the stock
 * {@link AttributeSet#matches}, so the answers are the same; lists, watches and reads are the stock ones.
 *
 * <p>The index lives in the store itself: the stock server keeps its objects in one map, changed only through
 * {@code put}, {@code remove} and {@code clear}, and this dispatcher gives it a map that indexes what it holds.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private static final String NAME = "name";

  private final NameIndexedMap stored = new NameIndexedMap();

  IndexedCrudDispatcher() {
    replaceStore(Collections.synchronizedMap(stored));
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    Attribute name = query.getAttribute(NAME);
    if (name == null || name.getType() != AttributeType.WITH) {
      return super.findResource(query);
    }
    synchronized (map) {
      for (AttributeSet key : stored.named(name)) {
        if (key.matches(query)) {
          return new AbstractMap.SimpleImmutableEntry<>(key, stored.get(key));
        }
      }
      return null;
    }
  }

  private void replaceStore(Map<AttributeSet, String> store) {
    try {
      Field field = CrudDispatcher.class.getDeclaredField("map");
      field.setAccessible(true);
      field.set(this, store);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this fabric8 mock server keeps its objects elsewhere", e);
    }
  }

  /** The server's objects in the order they were stored, with their keys grouped by name. */
  private static final class NameIndexedMap extends LinkedHashMap<AttributeSet, String> {
    private final Map<Attribute, Set<AttributeSet>> byName = new HashMap<>();

    Set<AttributeSet> named(Attribute name) {
      return byName.getOrDefault(name, Set.of());
    }

    @Override
    public String put(AttributeSet key, String value) {
      Attribute name = key.getAttribute(NAME);
      if (name != null) {
        byName.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(key);
      }
      return super.put(key, value);
    }

    @Override
    public String remove(Object key) {
      if (key instanceof AttributeSet set && set.getAttribute(NAME) != null) {
        Set<AttributeSet> keys = byName.get(set.getAttribute(NAME));
        if (keys != null && keys.remove(set) && keys.isEmpty()) {
          byName.remove(set.getAttribute(NAME));
        }
      }
      return super.remove(key);
    }

    @Override
    public void clear() {
      byName.clear();
      super.clear();
    }

    @Override
    public void putAll(Map<? extends AttributeSet, ? extends String> entries) {
      entries.forEach(this::put);
    }
  }
}
