package dev.migrate.retire;

import dev.migrate.checks.CheckResult;
import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerEngine.ContainerInfo;
import dev.migrate.io.Printable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Step 3: what retire will do, as a printable value. Without --yes this is the whole output;
 * with --yes the same value is journaled and executed, so what was shown is what runs.
 *
 * @param archiveDir where the archives of this run go
 * @param backup     false only with --no-backup and a confirmation
 * @param ports      host ports that must be free afterwards
 * @param gate       the gate's verdict, null when resuming a run whose gate already passed
 */
public record RetirePlan(Inventory inventory, Path archiveDir, boolean backup, List<Integer> ports, Gate.Verdict gate) {
    public RetirePlan {
        ports = List.copyOf(ports);
    }

    /**
     * The plan for a terminal. Every name, state and reason the engine supplied is escaped
     * ({@link Printable#escape}): a container named with ESC sequences or U+202E must not rewrite the
     * screen the operator decides on.
     */
    public String text() {
        StringBuilder s = new StringBuilder();
        Inventory inv = inventory;
        DockerEngine.EngineInfo e = inv.engine();
        s.append("retire plan for compose project '").append(esc(inv.project())).append("' on ").append(esc(e.host()))
                .append(" (Docker ").append(esc(e.version())).append(", API ").append(esc(e.apiVersion())).append(")\n");
        s.append("  1. set restart policy to 'no', then stop (").append(inv.containers().size()).append(" containers):\n");
        for (ContainerInfo c : inv.containers()) {
            s.append(String.format("       %-32s %-10s restart=%-15s %s  %s%n", esc(c.name()), esc(c.state()),
                    esc(c.restartPolicy()), esc(shortId(c.id())), esc(c.image())));
        }
        if (backup) {
            s.append("  2. archive each volume (tar.gz + sha256 manifest, re-read and verified) into ")
                    .append(esc(String.valueOf(archiveDir))).append('\n');
        } else {
            s.append("  2. NO BACKUP (--no-backup): the volumes' data will be lost\n");
        }
        for (Inventory.Volume v : inv.volumes()) {
            s.append(String.format("       %-50s %10s  %s%n", esc(v.name()), size(v.sizeBytes()),
                    (v.anonymous() ? "anonymous, " : "") + "mounted by "
                            + (v.mountedBy().isEmpty() ? "no container" : esc(String.join(", ", v.mountedBy())))));
        }
        s.append("  3. remove the containers above, then the volumes above by exact name (never prune)\n");
        s.append("  4. list again to prove they are gone; check host ports are free: ")
                .append(ports.stream().map(String::valueOf).collect(Collectors.joining(" "))).append('\n');
        if (!inv.kept().isEmpty()) {
            s.append("  kept, never touched:\n");
            for (Inventory.Kept k : inv.kept()) {
                s.append("       ").append(esc(k.kind())).append(' ').append(esc(k.name())).append(": ").append(esc(k.reason()))
                        .append('\n');
            }
        }
        s.append("  never: prune, remove anything outside this list, touch the compose directory or its files\n");
        if (gate != null) {
            s.append("gate:\n");
            for (CheckResult r : gate.results()) {
                s.append(String.format("  %-12s %-12s %s%n", r.status().label(), esc(r.name()), esc(r.observed())));
            }
            if (gate.forced() && !gate.passed()) {
                s.append("  forced by --force: ").append(esc(gate.reason())).append('\n');
            }
        }
        return s.toString();
    }

    private static String esc(String text) {
        return Printable.escape(text);
    }

    public Map<String, Object> json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("project", inventory.project());
        doc.put("engine", inventory.engine());
        List<Map<String, Object>> containers = new ArrayList<>();
        for (ContainerInfo c : inventory.containers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("id", c.id());
            m.put("service", c.label("com.docker.compose.service"));
            m.put("state", c.state());
            m.put("restartPolicy", c.restartPolicy());
            m.put("publishedPorts", c.publishedPorts());
            m.put("actions", List.of("restart-policy:no", "stop", "remove"));
            containers.add(m);
        }
        doc.put("containers", containers);
        List<Map<String, Object>> volumes = new ArrayList<>();
        for (Inventory.Volume v : inventory.volumes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("labels", v.labels());
            m.put("sizeBytes", v.sizeBytes());
            m.put("anonymous", v.anonymous());
            m.put("mountedBy", v.mountedBy());
            m.put("actions", backup ? List.of("archive", "verify", "remove") : List.of("remove"));
            volumes.add(m);
        }
        doc.put("volumes", volumes);
        doc.put("kept", inventory.kept());
        doc.put("backup", backup);
        doc.put("archiveDir", archiveDir == null ? null : archiveDir.toString());
        doc.put("portsToCheck", ports);
        if (gate != null) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("passed", gate.passed());
            g.put("forced", gate.forced());
            g.put("reason", gate.reason());
            g.put("results", gate.results());
            doc.put("gate", g);
        }
        return doc;
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    static String size(long bytes) {
        if (bytes < 0) {
            return "size ?";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format("%.1f %s", v, units[i]);
    }
}
