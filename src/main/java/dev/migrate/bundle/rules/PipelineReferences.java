package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every pipeline names only defined receivers, processors and exporters (and has at least one
 * receiver and one exporter); every enabled extension is defined.
 */
public final class PipelineReferences extends CollectorRule {
    public static final String NAME = "collector.pipeline-references";
    private static final List<String> KINDS = List.of("receivers", "processors", "exporters");

    public PipelineReferences() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        List<String> problems = new ArrayList<>();
        JsonNode pipelines = config.path("service").path("pipelines");
        if (pipelines.isEmpty()) {
            problems.add("no pipelines under service.pipelines");
        }
        for (Map.Entry<String, JsonNode> pipeline : Parsed.pipelines(config)) {
            for (String kind : KINDS) {
                List<String> defined = Parsed.ids(config, kind);
                for (String id : Parsed.texts(pipeline.getValue().path(kind))) {
                    if (!defined.contains(id)) {
                        problems.add("pipeline " + pipeline.getKey() + " uses " + kind.substring(0, kind.length() - 1)
                                + " '" + id + "' which is not defined under " + kind);
                    }
                }
            }
            for (String required : List.of("receivers", "exporters")) {
                if (pipeline.getValue().path(required).isEmpty()) {
                    problems.add("pipeline " + pipeline.getKey() + " has no " + required);
                }
            }
        }
        List<String> extensions = Parsed.ids(config, "extensions");
        for (String id : Parsed.texts(config.path("service").path("extensions"))) {
            if (!extensions.contains(id)) {
                problems.add("service.extensions enables '" + id + "' which is not defined under extensions");
            }
        }
        return Verdict.of(NAME, problems, pipelines.size() + " pipelines, every component defined",
                "the collector refuses to start when a pipeline names an undefined component",
                "define the component under its section, or fix the name in service.pipelines (IDs are type[/name])");
    }
}
