package dev.migrate.backport;

import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerEngine.ContainerInfo;
import dev.migrate.docker.DockerEngine.ImageInfo;
import dev.migrate.settings.SettingKey;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The backport must never start an older Grafana or Prometheus on the v1.1.1 volumes. v1.1.1 runs
 * {@code :latest} images, so a stack installed recently runs versions newer than the backport's
 * pinned ones; Grafana migrates grafana.db forward when it starts and Prometheus may write its TSDB
 * in a newer format, and neither promises that an older release reads the result. So the versions
 * the v1.1.1 containers run are read from their images (a version label, a VERSION variable in the
 * environment, or a version tag) and compared with the images the backport would run. Read-only:
 * it lists containers and inspects images, nothing else.
 */
public final class VersionGuard {
    /** Labels that carry an image's version, in the order they are believed. */
    static final List<String> VERSION_LABELS = List.of("org.opencontainers.image.version", "org.label-schema.version", "version");
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:[-+][0-9A-Za-z.+-]*)?");

    /** What is checked for one v1.1.1 service: the product, its container and the setting that pins the backport's image. */
    record Product(String name, String container, SettingKey setting, OldStack.Volume volume, String confirmByHand) {
    }

    static final List<Product> PRODUCTS = List.of(
            new Product("Grafana", OldStack.GRAFANA, SettingKeys.BACKPORT_GRAFANA_IMAGE, OldStack.VOLUMES.get(1),
                    "curl -s http://localhost:" + OldStack.GRAFANA_PORT.ref() + "/api/health (its \"version\")"),
            new Product("Prometheus", OldStack.PROMETHEUS, SettingKeys.BACKPORT_PROMETHEUS_IMAGE, OldStack.VOLUMES.get(0),
                    "curl -s http://localhost:" + OldStack.PROMETHEUS_PORT.ref() + "/api/v1/status/buildinfo (its \"version\")"));

    public enum Verdict {
        /** Same version or an upgrade, or no v1.1.1 container to compare with. */
        SAFE,
        /** The backport would run an older version on the same volume: refused. */
        DOWNGRADE,
        /** The running version could not be determined and nobody pinned the image: refused. */
        UNKNOWN,
        /** Docker could not be asked: said so, not refused (the containers may not exist here at all). */
        NOT_CHECKED
    }

    /** The verdict for one product, and the line that says it. */
    public record Finding(String product, Verdict verdict, String text) {
    }

    /** Every finding; {@link #refusal()} says why nothing may be written, if anything forbids it. */
    public record Result(List<Finding> findings) {
        public Result {
            findings = List.copyOf(findings);
        }

        public Optional<String> refusal() {
            List<String> why = findings.stream().filter(f -> f.verdict() == Verdict.DOWNGRADE || f.verdict() == Verdict.UNKNOWN)
                    .map(Finding::text).toList();
            return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why) + " (nothing was written)");
        }

        public Optional<String> warning() {
            return findings.stream().filter(f -> f.verdict() == Verdict.NOT_CHECKED).map(Finding::text).findFirst();
        }

        public String toText() {
            StringBuilder b = new StringBuilder("\nVersions the " + OldStack.VERSION + " containers run (the backport must not go back):\n");
            for (Finding f : findings) {
                b.append(String.format("  %-9s %-10s %s%n", f.verdict().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                        f.product(), dev.migrate.io.Printable.escape(f.text()))); // image names come from the engine
            }
            return b.toString();
        }

        public List<Map<String, String>> toJson() {
            List<Map<String, String>> out = new ArrayList<>();
            for (Finding f : findings) {
                Map<String, String> row = new LinkedHashMap<>();
                row.put("product", f.product());
                row.put("verdict", f.verdict().name().toLowerCase(Locale.ROOT));
                row.put("text", f.text());
                out.add(row);
            }
            return out;
        }
    }

    private VersionGuard() {
    }

    /** When the engine could not be reached: every product not checked, with why and how to check by hand. */
    public static Result notChecked(String why) {
        List<Finding> out = new ArrayList<>();
        for (Product p : PRODUCTS) {
            out.add(new Finding(p.name(), Verdict.NOT_CHECKED, "could not ask Docker which " + p.name() + " " + p.container()
                    + " runs (" + why + "); if it runs, confirm by hand with " + p.confirmByHand()
                    + " that it is not newer than the backport's image"));
        }
        return new Result(out);
    }

    public static Result check(DockerEngine engine, Settings settings) {
        List<ContainerInfo> containers = engine.containersWithLabel(DockerEngine.PROJECT_LABEL, settings.composeProject());
        List<Finding> out = new ArrayList<>();
        for (Product p : PRODUCTS) {
            String pinnedImage = settings.raw(p.setting());
            Optional<ContainerInfo> c = containers.stream().filter(x -> x.name().equals(p.container())
                    || x.label("com.docker.compose.service").equals(p.container())).findFirst();
            if (c.isEmpty()) {
                out.add(new Finding(p.name(), Verdict.SAFE, "no " + p.container() + " container in project "
                        + settings.composeProject() + ": nothing to compare " + pinnedImage + " with"));
                continue;
            }
            Optional<ImageInfo> image = engine.image(c.get().imageId());
            Optional<Found> running = image.flatMap(i -> running(i, c.get().image(), p.name()));
            Optional<int[]> pinned = tag(pinnedImage).flatMap(VersionGuard::parse);
            boolean chosen = settings.provenance(p.setting()).source() != Source.DEFAULT;
            String where = chosen ? settings.provenance(p.setting()).describe() : "the default";
            if (running.isEmpty()) {
                String missing = "could not determine the " + p.name() + " version " + p.container() + " runs: image "
                        + c.get().image() + " (" + shortId(c.get().imageId()) + ") has no version label ("
                        + VERSION_LABELS.get(0) + "), no " + p.name().toUpperCase(Locale.ROOT) + "_VERSION variable and no version tag";
                out.add(chosen
                        ? new Finding(p.name(), Verdict.SAFE, missing + "; " + p.setting().name() + " " + pinnedImage + " was set by you ("
                        + where + "), taken as confirmed")
                        : new Finding(p.name(), Verdict.UNKNOWN, missing + "; confirm by hand with " + p.confirmByHand()
                        + ", then set " + p.setting().name() + " to that version or newer (e.g. in migrate.yaml)"));
                continue;
            }
            Found r = running.get();
            if (pinned.isEmpty()) {
                out.add(new Finding(p.name(), chosen ? Verdict.SAFE : Verdict.UNKNOWN, p.container() + " runs " + p.name() + " "
                        + r.version() + " (" + r.source() + "), and " + p.setting().name() + " " + pinnedImage
                        + " names no version to compare" + (chosen ? "; set by you (" + where + "), taken as confirmed"
                        : "; set " + p.setting().name() + " to " + p.name() + " " + r.version() + " or newer")));
                continue;
            }
            if (compare(parse(r.version()).orElseThrow(), pinned.get()) > 0) {
                out.add(new Finding(p.name(), Verdict.DOWNGRADE, p.container() + " runs " + p.name() + " " + r.version()
                        + " (" + r.source() + "), newer than " + pinnedImage + " that the backport would start on the same volume "
                        + p.volume().realName(settings.composeProject()) + " (" + p.setting().name() + ", " + where + "); an older " + p.name()
                        + " may not read what the newer one wrote: set " + p.setting().name() + " to " + r.version() + " or newer, e.g. "
                        + repository(pinnedImage) + ":" + r.version()));
                continue;
            }
            out.add(new Finding(p.name(), Verdict.SAFE, p.container() + " runs " + p.name() + " " + r.version() + " (" + r.source()
                    + "); the backport starts " + pinnedImage));
        }
        return new Result(out);
    }

    /** A version and where it was read. */
    record Found(String version, String source) {
    }

    /** The version an image carries: a version label, then PRODUCT_VERSION in its environment, then a version tag. */
    static Optional<Found> running(ImageInfo image, String containerImage, String product) {
        for (String label : VERSION_LABELS) {
            String v = image.labels().getOrDefault(label, "");
            if (parse(v).isPresent()) {
                return Optional.of(new Found(v, "label " + label));
            }
        }
        String variable = product.toUpperCase(Locale.ROOT) + "_VERSION";
        String env = image.env().getOrDefault(variable, "");
        if (parse(env).isPresent()) {
            return Optional.of(new Found(env, "image environment " + variable));
        }
        List<String> refs = new ArrayList<>(image.repoTags());
        refs.add(containerImage);
        for (String ref : refs) {
            Optional<String> t = tag(ref);
            if (t.isPresent() && parse(t.get()).isPresent()) {
                return Optional.of(new Found(t.get(), "image tag " + ref));
            }
        }
        return Optional.empty();
    }

    /** The tag of an image reference (after the last ':' of the last path part), without a digest. */
    static Optional<String> tag(String ref) {
        String noDigest = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        String last = noDigest.substring(noDigest.lastIndexOf('/') + 1);
        int colon = last.lastIndexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(last.substring(colon + 1));
    }

    private static String repository(String ref) {
        String noDigest = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        int slash = noDigest.lastIndexOf('/');
        int colon = noDigest.lastIndexOf(':');
        return colon > slash ? noDigest.substring(0, colon) : noDigest;
    }

    /** major, minor, patch of "v3.10.0", "13.0.1-security-01", "12.1"; empty when it is no version. */
    static Optional<int[]> parse(String version) {
        Matcher m = VERSION.matcher(version.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3))});
        } catch (NumberFormatException e) {
            return Optional.empty(); // digits beyond int: not a version anyone ships
        }
    }

    static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    private static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
