package bunker.cty;

import java.util.Map;

/** Structural "may this value's type stand here" check; DYNAMIC matches anything. */
final class TypeConformance {
  private TypeConformance() {}

  static boolean accepts(CtyType want, CtyType got) {
    if (want == CtyType.DYNAMIC || got == CtyType.DYNAMIC || want.equals(got)) {
      return true;
    }
    if (want instanceof CtyType.ListType w && got instanceof CtyType.ListType g) {
      return accepts(w.element(), g.element());
    }
    if (want instanceof CtyType.SetType w && got instanceof CtyType.SetType g) {
      return accepts(w.element(), g.element());
    }
    if (want instanceof CtyType.MapType w && got instanceof CtyType.MapType g) {
      return accepts(w.element(), g.element());
    }
    if (want instanceof CtyType.ObjectType w && got instanceof CtyType.ObjectType g) {
      if (!w.attributes().keySet().equals(g.attributes().keySet())) {
        return false;
      }
      for (Map.Entry<String, CtyType> e : w.attributes().entrySet()) {
        if (!accepts(e.getValue(), g.attributes().get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (want instanceof CtyType.TupleType w && got instanceof CtyType.TupleType g) {
      if (w.elements().size() != g.elements().size()) {
        return false;
      }
      for (int i = 0; i < w.elements().size(); i++) {
        if (!accepts(w.elements().get(i), g.elements().get(i))) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
