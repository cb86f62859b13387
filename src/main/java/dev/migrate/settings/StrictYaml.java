package dev.migrate.settings;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.migrate.Json;
import dev.migrate.UserError;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * YAML for settings, read strictly: one document, no anchors or aliases (Jackson reads an alias
 * as the anchor's name, silently), no duplicate keys at any level. Every refusal names FILE:LINE.
 * Returns the tree and the line of each top-level key, so a bad value is reported where it is.
 */
final class StrictYaml {
    /**
     * @param root  the document (null for an empty one)
     * @param lines top-level key to its 1-based line
     * @param raw   top-level key to its scalar exactly as written (1e309 stays 1e309, not Infinity)
     */
    record Doc(JsonNode root, Map<String, Integer> lines, Map<String, String> raw) {
    }

    private StrictYaml() {
    }

    static Doc read(String text, String origin) {
        Map<String, Integer> lines = new HashMap<>();
        Map<String, String> raw = new HashMap<>();
        String key = null;
        try (YAMLParser p = (YAMLParser) Json.YAML.getFactory().createParser(text)) {
            Deque<Set<String>> keys = new ArrayDeque<>();
            int depth = 0;
            boolean rootDone = false;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                int line = p.currentLocation().getLineNr();
                if (rootDone) {
                    throw new UserError(origin + ":" + line + ": a second YAML document; keep one document (no '---'"
                            + " separators) in a settings file");
                }
                if (p.isCurrentAlias()) {
                    throw new UserError(origin + ":" + line + ": a YAML alias ('*" + p.getText() + "') is not allowed in"
                            + " settings; write the value out");
                }
                if (p.getObjectId() != null && t != JsonToken.FIELD_NAME) {
                    throw new UserError(origin + ":" + line + ": a YAML anchor ('&" + p.getObjectId() + "') is not allowed"
                            + " in settings; write each value out");
                }
                switch (t) {
                    case START_OBJECT -> {
                        keys.push(new HashSet<>());
                        depth++;
                    }
                    case START_ARRAY -> depth++;
                    case END_OBJECT -> {
                        keys.pop();
                        depth--;
                    }
                    case END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        if (!keys.peek().add(p.currentName())) {
                            throw new UserError(origin + ":" + line + ": key '" + p.currentName() + "' is given twice;"
                                    + " keep one");
                        }
                        if (depth == 1) {
                            lines.put(p.currentName(), line);
                            key = p.currentName();
                        }
                    }
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> {
                        if (depth == 1 && key != null) {
                            raw.put(key, p.getText());
                        }
                    }
                    default -> {
                    }
                }
                if (depth == 0) {
                    rootDone = true;
                }
            }
        } catch (JsonProcessingException e) {
            throw syntax(origin, e);
        } catch (IOException e) {
            throw new UserError(origin + ": cannot be read (" + e.getMessage() + ")");
        }
        try {
            return new Doc(Json.YAML.readTree(text), lines, raw);
        } catch (JsonProcessingException e) {
            throw syntax(origin, e);
        }
    }

    private static UserError syntax(String origin, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? origin : origin + ":" + at.getLineNr() + ":" + at.getColumnNr();
        return new UserError(where + ": not valid YAML (" + e.getOriginalMessage().lines().findFirst().orElse("")
                + "); fix the syntax");
    }
}
