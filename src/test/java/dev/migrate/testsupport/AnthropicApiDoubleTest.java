package dev.migrate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.migrate.testsupport.AnthropicApiDouble.failure;
import static dev.migrate.testsupport.AnthropicApiDouble.recovering;
import static dev.migrate.testsupport.AnthropicApiDouble.text;
import static dev.migrate.testsupport.AnthropicApiDouble.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Messages API double's wire shapes, as the API documents them: what the real client relies on
 * (RealClientTest drives the client itself against it).
 */
class AnthropicApiDoubleTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(AnthropicApiDouble api, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.url() + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String messages(boolean stream, String... userThenAssistant) {
        StringBuilder sb = new StringBuilder("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"stream\":" + stream + ",\"messages\":[");
        for (int i = 0; i < userThenAssistant.length; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant").append("\",\"content\":")
                    .append(Json.MAPPER.valueToTree(userThenAssistant[i]).toString()).append('}');
        }
        return sb.append("]}").toString();
    }

    @Test
    void streamsTextAndToolUseTurnByTurnAndAnswersWholeMessagesWithoutStream() throws Exception {
        try (AnthropicApiDouble api = new AnthropicApiDouble().script("t", tool("Bash", "{\"command\":\"ls\"}"), text("done"))) {
            HttpResponse<String> first = post(api, "/v1/messages?beta=true", messages(true, "go [[t]]"));
            assertEquals("text/event-stream; charset=utf-8", first.headers().firstValue("content-type").orElse(""));
            List<String> events = new ArrayList<>();
            JsonNode start = null;
            JsonNode delta = null;
            for (String line : first.body().split("\n")) {
                if (line.startsWith("event: ")) {
                    events.add(line.substring(7));
                } else if (line.startsWith("data: ")) {
                    JsonNode d = Json.MAPPER.readTree(line.substring(6));
                    if (d.path("type").asText().equals("message_start")) {
                        start = d;
                    } else if (d.path("type").asText().equals("content_block_delta")) {
                        delta = d;
                    } else if (d.path("type").asText().equals("message_delta")) {
                        assertEquals("tool_use", d.at("/delta/stop_reason").asText());
                        assertEquals(17, d.at("/usage/output_tokens").asInt());
                    }
                }
            }
            assertEquals(List.of("message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
                    "message_delta", "message_stop"), events);
            assertEquals(1200, start.at("/message/usage/input_tokens").asInt());
            assertEquals("input_json_delta", delta.at("/delta/type").asText());
            assertEquals("{\"command\":\"ls\"}", delta.at("/delta/partial_json").asText());

            JsonNode second = Json.MAPPER.readTree(post(api, "/v1/messages", messages(false, "go [[t]]", "tool call", "result")).body());
            assertEquals("done", second.at("/content/0/text").asText());
            assertEquals("end_turn", second.path("stop_reason").asText());
            assertEquals(300, second.at("/usage/cache_read_input_tokens").asInt());
        }
    }

    @Test
    void errorsCarryTheApiErrorBodyAndRetryAfterAndARecoveringTurnRecovers() throws Exception {
        try (AnthropicApiDouble api = new AnthropicApiDouble().script("r", failure(429)).script("o", recovering(529, 1, text("ok")))) {
            HttpResponse<String> limited = post(api, "/v1/messages", messages(false, "[[r]]"));
            assertEquals(429, limited.statusCode());
            assertEquals("1", limited.headers().firstValue("retry-after").orElse(""));
            assertEquals("rate_limit_error", Json.MAPPER.readTree(limited.body()).at("/error/type").asText());
            assertEquals("error", Json.MAPPER.readTree(limited.body()).path("type").asText());
            assertEquals(529, post(api, "/v1/messages", messages(false, "[[o]]")).statusCode());
            assertEquals(200, post(api, "/v1/messages", messages(false, "[[o]]")).statusCode());
        }
    }

    @Test
    void aRefusalAndCountTokens() throws Exception {
        try (AnthropicApiDouble api = new AnthropicApiDouble().script("x", AnthropicApiDouble.refusal())) {
            JsonNode refused = Json.MAPPER.readTree(post(api, "/v1/messages", messages(false, "[[x]]")).body());
            assertEquals("refusal", refused.path("stop_reason").asText());
            assertEquals("cyber", refused.at("/stop_details/category").asText());
            JsonNode counted = Json.MAPPER.readTree(post(api, "/v1/messages/count_tokens", messages(false, "hi")).body());
            assertEquals(1200, counted.path("input_tokens").asInt());
        }
    }
}
