package bunker.framework;

import bunker.cty.AttributePath;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * Collects the diagnostics of one operation; every framework call hands one in. Not
 * thread-safe: one operation, one collector.
 */
public final class Diagnostics implements Iterable<Diagnostic> {
  private final List<Diagnostic> items = new ArrayList<>();

  public Diagnostics add(Diagnostic d) {
    items.add(d);
    return this;
  }

  public Diagnostics addAll(Collection<Diagnostic> ds) {
    items.addAll(ds);
    return this;
  }

  public Diagnostics addAll(Diagnostics other) {
    items.addAll(other.items);
    return this;
  }

  public Diagnostics addError(String summary, String detail) {
    return add(Diagnostic.error(summary, detail));
  }

  /** An error in the user's input: always name where it is. */
  public Diagnostics addAttributeError(AttributePath path, String summary, String detail) {
    return add(Diagnostic.error(path, summary, detail));
  }

  public Diagnostics addWarning(String summary, String detail) {
    return add(Diagnostic.warning(summary, detail));
  }

  public Diagnostics addAttributeWarning(AttributePath path, String summary, String detail) {
    return add(Diagnostic.warning(path, summary, detail));
  }

  public boolean hasErrors() {
    return items.stream().anyMatch(Diagnostic::isError);
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  /** An immutable snapshot. */
  public List<Diagnostic> all() {
    return List.copyOf(items);
  }

  @Override
  public Iterator<Diagnostic> iterator() {
    return all().iterator();
  }

  @Override
  public String toString() {
    return items.toString();
  }
}
