package io.clusterdoc.cluster;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Makes cached objects share their equal parts. Thousands of pods repeat the same strings (images, label keys and
 * values, condition types), the same small objects (ports, resources, probes, tolerations, volumes) and the same
 * lists; and every fabric8 model object carries maps and lists of its own even when they are empty. Parts are
 * replaced bottom-up with an equal part seen before (hash-consing): once a part's children are shared, it equals
 * another part exactly when its fields hold the same instances, so each part is hashed and compared one level
 * deep, never walked twice.
 *
 * <p>Seen parts are kept in a fixed table of slots, one part per slot, the newest winning: the table never grows,
 * holds nothing a deleted object needs, and a part that stops repeating is soon replaced. Collections become
 * immutable, so that a shared part cannot be changed through one object for all the others; model objects are
 * shared as they are, which is safe because cached objects are read, never changed, once they are stored.
 */
final class SharedParts {
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";
  private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
    @Override
    protected Field[] computeValue(Class<?> type) {
      return fieldsOf(type);
    }
  };

  /** Written by the informers' threads and read by the evaluation thread: each slot is published safely. */
  private final AtomicReferenceArray<Object> seen;
  private final int[] hashes;
  private final int mask;

  /** With 2^bits slots. */
  SharedParts(int bits) {
    this.seen = new AtomicReferenceArray<>(1 << bits);
    this.hashes = new int[1 << bits];
    this.mask = (1 << bits) - 1;
  }

  /** Shares the parts of a model object in place; the object itself stays the one given. */
  void compactParts(Object model) {
    if (model != null && isModel(model.getClass())) {
      compactFields(model);
    }
  }

  private Object compact(Object value) {
    if (value instanceof String) {
      return share(value, value.hashCode());
    }
    if (value instanceof List<?> list) {
      return list.isEmpty() ? List.of() : compactList(list);
    }
    if (value instanceof Map<?, ?> map) {
      return map.isEmpty() ? Map.of() : compactMap(map);
    }
    if (value != null && isModel(value.getClass())) {
      return share(value, compactFields(value));
    }
    return value;
  }

  /** Shares the fields' values and returns the object's shallow hash over them. */
  private int compactFields(Object model) {
    int hash = model.getClass().hashCode();
    for (Field field : FIELDS.get(model.getClass())) {
      Object value = read(field, model);
      Object compacted = compact(value);
      if (compacted != value && field.getType().isInstance(compacted)) {
        write(field, model, compacted);
      } else {
        compacted = value;
      }
      hash = 31 * hash + childHash(compacted);
    }
    return hash;
  }

  private Object compactList(List<?> list) {
    Object[] elements = new Object[list.size()];
    boolean hasNull = false;
    int hash = List.class.hashCode();
    int i = 0;
    for (Object element : list) {
      Object compacted = compact(element);
      elements[i++] = compacted;
      hasNull |= compacted == null;
      hash = 31 * hash + childHash(compacted);
    }
    return share(hasNull ? Collections.unmodifiableList(Arrays.asList(elements)) : List.of(elements), hash);
  }

  /** Keeps the order: messages list labels and annotations as the API server returned them. */
  private Object compactMap(Map<?, ?> map) {
    Map<Object, Object> copy = new LinkedHashMap<>((int) (map.size() / 0.75f) + 1);
    int hash = Map.class.hashCode();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object key = compact(entry.getKey());
      Object value = compact(entry.getValue());
      copy.put(key, value);
      hash = 31 * (31 * hash + childHash(key)) + childHash(value);
    }
    return share(Collections.unmodifiableMap(copy), hash);
  }

  /** The equal part seen before, or this one, remembered for the next. */
  private Object share(Object part, int hash) {
    int slot = spread(hash) & mask;
    Object held = seen.get(slot);
    // The hash is only a hint, read without ordering: a wrong one costs a comparison or a missed share, never a
    // wrong part, since equality decides. It spares reading the held part, often far away in memory.
    if (held != null && hashes[slot] == hash && shallowEquals(held, part)) {
      return held;
    }
    seen.set(slot, part);
    hashes[slot] = hash;
    return part;
  }

  private static boolean shallowEquals(Object held, Object part) {
    if (held.getClass() != part.getClass()) {
      return false;
    }
    if (part instanceof String) {
      return held.equals(part);
    }
    if (part instanceof List<?> list) {
      return sameElements((List<?>) held, list);
    }
    if (part instanceof Map<?, ?> map) {
      return ((Map<?, ?>) held).size() == map.size() && sameEntries(((Map<?, ?>) held).entrySet().iterator(),
          map.entrySet().iterator());
    }
    for (Field field : FIELDS.get(part.getClass())) {
      if (!same(read(field, held), read(field, part))) {
        return false;
      }
    }
    return true;
  }

  /** Compacted lists are List.of or Arrays.asList: indexed reads, no iterator. */
  private static boolean sameElements(List<?> held, List<?> part) {
    if (held.size() != part.size()) {
      return false;
    }
    for (int i = 0; i < part.size(); i++) {
      if (!same(held.get(i), part.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameEntries(Iterator<? extends Map.Entry<?, ?>> held,
      Iterator<? extends Map.Entry<?, ?>> part) {
    while (held.hasNext() && part.hasNext()) {
      Map.Entry<?, ?> a = held.next();
      Map.Entry<?, ?> b = part.next();
      if (!same(a.getKey(), b.getKey()) || !same(a.getValue(), b.getValue())) {
        return false;
      }
    }
    return !held.hasNext() && !part.hasNext();
  }

  /** Children are already shared, so the same instance means equal; values (numbers, text) compare by value. */
  private static boolean same(Object a, Object b) {
    return a == b || (isValue(a) && Objects.equals(a, b));
  }

  private static int childHash(Object child) {
    if (child == null) {
      return 0;
    }
    return isValue(child) ? child.hashCode() : System.identityHashCode(child);
  }

  private static boolean isValue(Object object) {
    return object instanceof String || object instanceof Number || object instanceof Boolean
        || object instanceof Character;
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }

  private static boolean isModel(Class<?> type) {
    return type.getName().startsWith(MODEL_PACKAGE);
  }

  private static Field[] fieldsOf(Class<?> type) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers())) {
          field.setAccessible(true);
          fields.add(field);
        }
      }
    }
    return fields.toArray(Field[]::new);
  }

  private static Object read(Field field, Object owner) {
    try {
      return field.get(owner);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + field, e);
    }
  }

  private static void write(Field field, Object owner, Object value) {
    try {
      field.set(owner, value);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot write " + field, e);
    }
  }
}
