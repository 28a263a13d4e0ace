package dev.supportpacket.agent.sanitize.jfr;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The metadata event of one chunk: a string table and a tree of elements that declares every type and field. Kept
 * as the tree it was read as, so that it can be written back pruned to the types the kept events reach, with every
 * attribute and annotation those types carry unchanged.
 */
final class Metadata {
  private static final int MAX_DEPTH = 32;
  private static final String TYPE_ELEMENT = "class";
  private static final String TYPE_REF = "class";

  final long startTime;
  final long duration;
  final long metadataId;
  private final Element root;
  private final Map<Long, JfrType> types = new HashMap<>();
  private final Map<Long, Element> typeElements = new HashMap<>();

  private Metadata(long startTime, long duration, long metadataId, Element root) {
    this.startTime = startTime;
    this.duration = duration;
    this.metadataId = metadataId;
    this.root = root;
  }

  /** Reads the metadata record that starts at {@code position}. */
  static Metadata read(JfrInput in, long position) throws IOException {
    in.position(position);
    long end = in.readRecordEnd(position);
    long typeId = in.readLong();
    if (typeId != 0) {
      throw new IOException("expected the metadata event at position " + position + ", found type id " + typeId);
    }
    long startTime = in.readLong();
    long duration = in.readLong();
    long metadataId = in.readLong();
    int count = in.readLength();
    String[] strings = new String[count];
    for (int i = 0; i < count; i++) {
      Object s = in.readString();
      if (s instanceof JfrInput.PoolString) {
        throw new IOException("metadata string " + i + " refers to a constant pool");
      }
      strings[i] = (String) s;
    }
    Metadata m = new Metadata(startTime, duration, metadataId, readElement(in, strings, 0));
    if (in.position() > end) {
      throw new IOException("metadata event at position " + position + " is longer than its size");
    }
    m.declareTypes();
    return m;
  }

  JfrType type(long id) {
    return types.get(id);
  }

  Collection<JfrType> types() {
    return types.values();
  }

  /** Every type id that the given types reach through fields, annotations and settings, themselves included. */
  Set<Long> reachableFrom(Collection<Long> start) {
    Set<Long> seen = new HashSet<>();
    Deque<Long> work = new ArrayDeque<>(start);
    while (!work.isEmpty()) {
      Long id = work.pop();
      Element e = typeElements.get(id);
      if (e != null && seen.add(id)) {
        collectTypeRefs(e, work);
      }
    }
    return seen;
  }

  /** Writes this metadata as one record holding only the types in {@code keep}. */
  void writePruned(JfrOutput out, Set<Long> keep) throws IOException {
    Map<String, Integer> table = new LinkedHashMap<>();
    collectStrings(root, keep, table);
    int start = out.size();
    out.writePaddedInt(0);
    out.writeLong(0);
    out.writeLong(startTime);
    out.writeLong(duration);
    out.writeLong(metadataId);
    out.writeLong(table.size());
    for (String s : table.keySet()) {
      out.writeString(s);
    }
    writeElement(out, root, keep, table);
    out.patchPaddedInt(start, out.size() - start);
  }

  private void declareTypes() throws IOException {
    Element metadata = root.child("metadata");
    if (metadata == null) {
      throw new IOException("metadata event has no 'metadata' element");
    }
    for (Element e : metadata.children) {
      if (TYPE_ELEMENT.equals(e.name)) {
        long id = e.longAttribute("id");
        String name = e.attribute("name");
        if (name == null || types.containsKey(id)) {
          throw new IOException("metadata declares type id " + id + " without a name or twice");
        }
        types.put(id, new JfrType(id, name, e.attribute("superType")));
        typeElements.put(id, e);
      }
    }
    for (Map.Entry<Long, Element> t : typeElements.entrySet()) {
      JfrType owner = types.get(t.getKey());
      for (Element f : t.getValue().children) {
        if (!"field".equals(f.name)) {
          continue;
        }
        long typeId = f.longAttribute(TYPE_REF);
        JfrType fieldType = types.get(typeId);
        if (fieldType == null) {
          throw new IOException("field " + owner.name + "." + f.attribute("name") + " has unknown type id " + typeId);
        }
        String dimension = f.attribute("dimension");
        if (dimension != null && !"1".equals(dimension) && !"0".equals(dimension)) {
          throw new IOException("field " + owner.name + "." + f.attribute("name") + " has dimension " + dimension);
        }
        boolean constantPool = "true".equals(f.attribute("constantPool"));
        owner.fields.add(new JfrType.Field(f.attribute("name"), fieldType, constantPool, "1".equals(dimension)));
      }
    }
  }

  private static void collectTypeRefs(Element e, Deque<Long> work) {
    for (Element child : e.children) {
      String ref = child.attribute(TYPE_REF);
      if (ref != null) {
        try {
          work.push(Long.parseLong(ref));
        } catch (NumberFormatException ignored) {
          // not a type id: nothing to keep for it
        }
      }
      collectTypeRefs(child, work);
    }
  }

  private static boolean dropped(Element parent, Element child, Set<Long> keep) {
    if (!"metadata".equals(parent.name) || !TYPE_ELEMENT.equals(child.name)) {
      return false;
    }
    String id = child.attribute("id");
    return id == null || !keep.contains(Long.parseLong(id));
  }

  private static void collectStrings(Element e, Set<Long> keep, Map<String, Integer> table) {
    intern(e.name, table);
    for (String[] a : e.attributes) {
      intern(a[0], table);
      intern(a[1], table);
    }
    for (Element child : e.children) {
      if (!dropped(e, child, keep)) {
        collectStrings(child, keep, table);
      }
    }
  }

  private static void intern(String s, Map<String, Integer> table) {
    if (!table.containsKey(s)) {
      table.put(s, table.size());
    }
  }

  private static void writeElement(JfrOutput out, Element e, Set<Long> keep, Map<String, Integer> table) {
    out.writeLong(table.get(e.name));
    out.writeLong(e.attributes.size());
    for (String[] a : e.attributes) {
      out.writeLong(table.get(a[0]));
      out.writeLong(table.get(a[1]));
    }
    List<Element> kept = new ArrayList<>(e.children.size());
    for (Element child : e.children) {
      if (!dropped(e, child, keep)) {
        kept.add(child);
      }
    }
    out.writeLong(kept.size());
    for (Element child : kept) {
      writeElement(out, child, keep, table);
    }
  }

  private static Element readElement(JfrInput in, String[] strings, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("metadata elements nested deeper than " + MAX_DEPTH);
    }
    Element e = new Element(string(in, strings));
    for (int n = in.readLength(); n > 0; n--) {
      e.attributes.add(new String[] {string(in, strings), string(in, strings)});
    }
    for (int n = in.readLength(); n > 0; n--) {
      e.children.add(readElement(in, strings, depth + 1));
    }
    return e;
  }

  private static String string(JfrInput in, String[] strings) throws IOException {
    int i = in.readInt();
    if (i < 0 || i >= strings.length || strings[i] == null) {
      throw new IOException("metadata string index " + i + " out of range at position " + in.position());
    }
    return strings[i];
  }

  /** A node of the metadata tree: name, ordered attributes, children. */
  private static final class Element {
    final String name;
    final List<String[]> attributes = new ArrayList<>(4);
    final List<Element> children = new ArrayList<>(4);

    Element(String name) {
      this.name = name;
    }

    String attribute(String key) {
      for (String[] a : attributes) {
        if (a[0].equals(key)) {
          return a[1];
        }
      }
      return null;
    }

    long longAttribute(String key) throws IOException {
      String v = attribute(key);
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new IOException("metadata element '" + name + "' has attribute " + key + "=" + v + ", not a number");
      }
    }

    Element child(String childName) {
      for (Element c : children) {
        if (c.name.equals(childName)) {
          return c;
        }
      }
      return null;
    }
  }
}
