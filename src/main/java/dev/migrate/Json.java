package dev.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The project's two Jackson mappers, configured once: timestamps as ISO-8601 text, stable indentation. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * YAML with quotes only where needed; a string that reads as a number keeps its quotes, or a
     * label like grafana_dashboard: "1" would be read back as the number 1, which Kubernetes refuses.
     */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    static {
        MAPPER.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
    }

    private Json() {
    }

    /**
     * The line of the first alias ({@code *name}) in a YAML text, if any. Jackson reads an alias
     * as the anchor's name, while the collector, kubectl and fabric8 expand it (a billion laughs
     * included): what migrate checks would not be what they use. Empty for text that does not parse.
     */
    public static java.util.OptionalInt yamlAliasLine(String text) {
        try (com.fasterxml.jackson.dataformat.yaml.YAMLParser p =
                     (com.fasterxml.jackson.dataformat.yaml.YAMLParser) YAML.getFactory().createParser(text)) {
            for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (p.isCurrentAlias()) {
                    return java.util.OptionalInt.of(p.currentLocation().getLineNr());
                }
            }
        } catch (java.io.IOException e) {
            // not YAML: the caller's parser says so
        }
        return java.util.OptionalInt.empty();
    }

    /**
     * JSON output is also read in a terminal: besides the C0 controls JSON always escapes, DEL, the
     * C1 controls (U+009B starts an escape sequence on many terminals), the line separators and the
     * bidirectional controls (U+202E reverses what follows) are written as \\uXXXX. A JSON reader
     * gets the same text back.
     */
    private static final class TerminalSafeEscapes extends com.fasterxml.jackson.core.io.CharacterEscapes {
        private final int[] ascii;

        TerminalSafeEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
            return dev.migrate.io.Printable.obeyedByTerminals(ch)
                    ? new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04X", ch)) : null;
        }
    }
}
