package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.Optional;
import java.util.function.Function;

/**
 * A rule over a parsed input (the collector config or the dashboard). When the input does not
 * parse, the rule is skipped and points at the well-formedness rule, which fails instead.
 */
abstract class TreeRule extends NamedRule {
    private final Function<Bundle, Optional<JsonNode>> parse;
    private final String input;
    private final String wellFormedRule;

    TreeRule(String name, Function<Bundle, Optional<JsonNode>> parse, String input, String wellFormedRule) {
        super(name);
        this.parse = parse;
        this.input = input;
        this.wellFormedRule = wellFormedRule;
    }

    @Override
    public final CheckResult check(Bundle bundle, Settings settings) {
        return parse.apply(bundle)
                .map(tree -> check(tree, bundle, settings))
                .orElseGet(() -> CheckResult.skipped(name(), "the " + input + " could not be parsed; see " + wellFormedRule));
    }

    abstract CheckResult check(JsonNode tree, Bundle bundle, Settings settings);
}
