package dev.migrate.bundle.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrate.Json;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.ManifestObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parsing helpers the rules share: the collector config, the dashboard, and objects by kind. */
final class Parsed {
    private Parsed() {
    }

    /** The outcome of parsing a text: a tree, or a located error message. */
    record Result(JsonNode tree, String error) {
        boolean ok() {
            return error == null;
        }
    }

    static Result collectorYaml(Bundle bundle) {
        Result r = parse(Json.YAML, bundle.collectorConfig(), bundle.collectorOrigin(), "YAML");
        if (r.ok() && !r.tree().isObject()) {
            return new Result(null, bundle.collectorOrigin() + ": not a collector config (expected a mapping with "
                    + "receivers, processors, exporters and service)");
        }
        java.util.OptionalInt alias = r.ok() ? Json.yamlAliasLine(bundle.collectorConfig()) : java.util.OptionalInt.empty();
        if (alias.isPresent()) {
            return new Result(null, bundle.collectorOrigin() + ":" + alias.getAsInt() + ": a YAML alias, which migrate's rules"
                    + " cannot follow (the collector would expand it)");
        }
        return r;
    }

    static Result dashboardJson(Bundle bundle) {
        Result r = parse(Json.MAPPER, bundle.dashboardJson(), bundle.dashboardOrigin(), "JSON");
        if (r.ok() && !r.tree().isObject()) {
            return new Result(null, bundle.dashboardOrigin() + ": not a Grafana dashboard (expected a JSON object)");
        }
        return r;
    }

    private static Result parse(ObjectMapper mapper, String text, String origin, String format) {
        try {
            // A key given twice is an error, as it is for the collector (Go yaml.v3) and worth one
            // for a dashboard: Jackson would otherwise keep the last one silently.
            JsonNode tree = mapper.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(text);
            if (tree == null || tree.isMissingNode()) {
                return new Result(null, origin + ": empty file");
            }
            return new Result(tree, null);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? origin : origin + ":" + at.getLineNr() + ":" + at.getColumnNr();
            String why = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
            return new Result(null, where + ": not valid " + format + " (" + why + ")");
        }
    }

    static Optional<JsonNode> collector(Bundle bundle) {
        Result r = collectorYaml(bundle);
        return r.ok() ? Optional.of(r.tree()) : Optional.empty();
    }

    static Optional<JsonNode> dashboard(Bundle bundle) {
        Result r = dashboardJson(bundle);
        return r.ok() ? Optional.of(r.tree()) : Optional.empty();
    }

    /** Every object of a kind, as a JSON tree. */
    static List<JsonNode> objects(Bundle bundle, String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (ManifestObject o : bundle.objects()) {
            if (o.kind().equals(kind)) {
                out.add(Json.MAPPER.valueToTree(o.body()));
            }
        }
        return out;
    }

    static Optional<JsonNode> object(Bundle bundle, String kind) {
        List<JsonNode> all = objects(bundle, kind);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    private static final java.util.regex.Pattern WHOLE_ENV =
            java.util.regex.Pattern.compile("\\$\\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    /**
     * A config value as the collector sees it at start-up: a value that is one ${env:NAME} reference
     * takes the collector container's env value (or its :-default), typed as YAML types it ("716" an
     * integer), as the collector does. Anything else, or a variable the Deployment does not set, is
     * returned as written (collector.env-references names the unset ones).
     */
    static JsonNode resolved(JsonNode value, Bundle bundle) {
        if (value == null || !value.isTextual()) {
            return value;
        }
        java.util.regex.Matcher m = WHOLE_ENV.matcher(value.asText().trim());
        if (!m.matches()) {
            return value;
        }
        String set = null;
        for (JsonNode e : object(bundle, "Deployment").map(d -> d.at("/spec/template/spec/containers/0/env"))
                .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance())) {
            if (e.path("name").asText().equals(m.group(1)) && e.path("value").isValueNode()) {
                set = e.path("value").asText();
            }
        }
        String text = set != null ? set : m.group(2);
        if (text == null) {
            return value;
        }
        try {
            JsonNode typed = Json.YAML.readTree(text);
            return typed == null || !typed.isValueNode() ? value : typed;
        } catch (JsonProcessingException e) {
            return value;
        }
    }

    /** A component ID is type[/name]: memory_limiter/main has type memory_limiter. */
    static String type(String componentId) {
        int slash = componentId.indexOf('/');
        return slash < 0 ? componentId : componentId.substring(0, slash);
    }

    /** The IDs under a top-level section of the collector config (receivers, processors, ...). */
    static List<String> ids(JsonNode config, String section) {
        List<String> out = new ArrayList<>();
        config.path(section).fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The components of a section whose type is {@code type}, ID to its config node. */
    static List<Map.Entry<String, JsonNode>> ofType(JsonNode config, String section, String type) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.path(section).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (type(e.getKey()).equals(type)) {
                out.add(e);
            }
        }
        return out;
    }

    /** service.pipelines as (pipeline ID, pipeline) pairs, in file order. */
    static List<Map.Entry<String, JsonNode>> pipelines(JsonNode config) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        config.path("service").path("pipelines").fields().forEachRemaining(out::add);
        return out;
    }

    /**
     * The prometheus exporters of service.telemetry.metrics' pull readers (the collector's own metrics),
     * keyed by their path in the config, in reader order.
     */
    static List<Map.Entry<String, JsonNode>> selfMetricsReaders(JsonNode config) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        JsonNode readers = config.path("service").path("telemetry").path("metrics").path("readers");
        for (int i = 0; i < readers.size(); i++) {
            JsonNode prometheus = readers.get(i).path("pull").path("exporter").path("prometheus");
            if (!prometheus.isMissingNode()) {
                out.add(Map.entry("service.telemetry.metrics.readers[" + i + "].pull.exporter.prometheus", prometheus));
            }
        }
        return out;
    }

    /** The text items of a list node (an absent node is an empty list). */
    static List<String> texts(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Every target expression of the dashboard with its panel title, rows' nested panels included. */
    static List<Map.Entry<String, String>> dashboardExprs(JsonNode dashboard) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        collectExprs(dashboard.path("panels"), out);
        return out;
    }

    private static void collectExprs(JsonNode panels, List<Map.Entry<String, String>> out) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    out.add(Map.entry(panel.path("title").asText("(untitled)"), target.get("expr").asText()));
                }
            }
            collectExprs(panel.path("panels"), out);
        }
    }

    /** Every PromQL/LogQL expression the bundle ships: the PrometheusRules' and then the dashboard's. */
    static List<Map.Entry<String, String>> allExprs(Bundle bundle) {
        List<Map.Entry<String, String>> out = new ArrayList<>(ruleExprs(bundle));
        dashboard(bundle).ifPresent(d -> out.addAll(dashboardExprs(d)));
        return out;
    }

    /** Every alert/record expression of the bundle's PrometheusRules, keyed by alert or record name. */
    static List<Map.Entry<String, String>> ruleExprs(Bundle bundle) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (JsonNode rule : objects(bundle, "PrometheusRule")) {
            for (JsonNode group : rule.path("spec").path("groups")) {
                for (JsonNode r : group.path("rules")) {
                    String name = r.hasNonNull("alert") ? r.get("alert").asText() : r.path("record").asText();
                    out.add(Map.entry("rule " + name, r.path("expr").asText()));
                }
            }
        }
        return out;
    }
}
