package bunker.resource.vault;

import bunker.cty.CtyValue;
import bunker.framework.Attribute;
import bunker.framework.FrameworkServer;
import bunker.framework.Provider;
import bunker.framework.Resource;
import bunker.framework.Schema;
import bunker.framework.Diagnostics;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Values and a framework server around {@link BackupVaultResource}, for unit tests. */
final class VaultTesting {
  private VaultTesting() {}

  static FrameworkServer server(Instant now) {
    return new FrameworkServer(new Provider() {
      @Override
      public String typeName() {
        return "backup";
      }

      @Override
      public Schema schema() {
        return Schema.of(bunker.framework.Block.builder().build());
      }

      @Override
      public Object configure(ConfigureRequest request, Diagnostics diagnostics) {
        return null;
      }

      @Override
      public List<Supplier<Resource>> resources() {
        return List.of(() -> new BackupVaultResource(() -> now));
      }
    });
  }

  /** A backup_vault value from alternating attribute names and values (Strings, Longs, ...). */
  static CtyValue vault(Object... kv) {
    Map<String, CtyValue> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      m.put((String) kv[i], v instanceof CtyValue c ? c : v instanceof String s
          ? CtyValue.string(s) : v instanceof Boolean b ? CtyValue.bool(b)
          : CtyValue.number(((Number) v).longValue()));
    }
    return BackupVaultSchema.SCHEMA.newObject(m);
  }

  static CtyValue lock(Long min, Long max, Long changeable) {
    var type = (bunker.cty.CtyType.ObjectType) BackupVaultSchema.SCHEMA.impliedType()
        .attribute("lock");
    Map<String, CtyValue> m = new LinkedHashMap<>();
    m.put("min_retention_days", n(min));
    m.put("max_retention_days", n(max));
    m.put("changeable_for_days", n(changeable));
    return CtyValue.object(type, m);
  }

  private static CtyValue n(Long v) {
    return v == null ? CtyValue.nullOf(bunker.cty.CtyType.NUMBER) : CtyValue.number(v);
  }

  /** What Terraform proposes: the config, with prior values where a computed one is unset. */
  static CtyValue proposed(CtyValue config, CtyValue prior) {
    Map<String, CtyValue> m = new LinkedHashMap<>(config.attributes());
    for (Attribute a : BackupVaultSchema.SCHEMA.block().attributes()) {
      if (a.computed() && config.attr(a.name()).isNull() && !prior.isNull()) {
        m.put(a.name(), prior.attr(a.name()));
      }
    }
    return CtyValue.object(BackupVaultSchema.SCHEMA.impliedType(), m);
  }
}
