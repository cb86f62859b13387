package dev.migrate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.migrate.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A double of the Anthropic Messages API (the client is real; the API cannot run here), written from
 * the API's public shape: {@code POST /v1/messages} answered as a stream of server-sent events when the
 * request says {@code "stream": true} ({@code message_start} with the input usage,
 * {@code content_block_start}/{@code _delta}/{@code _stop} per block — {@code text_delta} for text,
 * {@code input_json_delta} for a {@code tool_use} block's input — {@code message_delta} with
 * {@code stop_reason} and the output usage, {@code message_stop}) and as one message object otherwise;
 * errors as the API sends them ({@code {"type":"error","error":{"type":"overloaded_error",...}}}, a
 * {@code retry-after} header on 429); a refusal ({@code stop_reason "refusal"} with {@code stop_details});
 * {@code POST /v1/messages/count_tokens}.
 * <p>
 * Tests script the replies: a prompt carries a marker {@code [[name]]}, and {@link #script} gives the
 * turns for that name. Turn {@code i} answers the request that already holds {@code i} assistant
 * messages after the latest prompt with a marker (so a subagent, whose own prompt carries its own
 * marker, and a resumed conversation each count from their prompt). A request with no marker, or past
 * the scripted turns, gets a short text reply. Every reply reports {@link #usage}: the client computes
 * its cost from these numbers and the model.
 */
public final class AnthropicApiDouble implements AutoCloseable {
    /** Token usage of every reply; the client prices it (claude-sonnet-4-5: $0.0041325 for the default). */
    public record Usage(int input, int output, int cacheRead, int cacheCreation) {
    }

    public static final Usage USAGE = new Usage(1200, 17, 300, 50);

    /** One scripted reply. */
    public sealed interface Turn permits Text, ToolUse, Failure, Refusal, Recovering, Hang, Garbage {
    }

    public record Text(String text) implements Turn {
    }

    /** One or more tool calls in one assistant message (stop_reason tool_use). */
    public record ToolUse(List<ToolCall> calls) implements Turn {
    }

    public record ToolCall(String name, String inputJson) {
    }

    /** An error status with the API's error body; {@code retryAfter} seconds in a header when > 0. */
    public record Failure(int status, String type, String message, int retryAfter) implements Turn {
    }

    public record Refusal(String category, String explanation) implements Turn {
    }

    /** {@code failure} for the first {@code times} tries of this turn, then {@code then}. */
    public record Recovering(Failure failure, int times, Turn then) implements Turn {
    }

    /** Accepts the request and never answers (until the double closes). */
    public record Hang() implements Turn {
    }

    /** A 200 whose body is not the API's JSON or event stream. */
    public record Garbage(String body) implements Turn {
    }

    /** One request as it arrived, with the marker and turn it was answered as, and the status answered (0: hung). */
    public record Request(String path, String model, boolean stream, String marker, int turn, int status, JsonNode body,
                          java.time.Instant at) {
    }

    public static Text text(String text) {
        return new Text(text);
    }

    public static ToolUse tool(String name, String inputJson) {
        return new ToolUse(List.of(new ToolCall(name, inputJson)));
    }

    public static ToolUse tools(ToolCall... calls) {
        return new ToolUse(List.of(calls));
    }

    /** The API's error for this status: 429 rate_limit_error (retry-after 1), 500 api_error, 529 overloaded_error. */
    public static Failure failure(int status) {
        return switch (status) {
            case 429 -> new Failure(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", 1);
            case 500 -> new Failure(500, "api_error", "Internal server error", 0);
            case 529 -> new Failure(529, "overloaded_error", "Overloaded", 0);
            case 400 -> new Failure(400, "invalid_request_error", "invalid request", 0);
            default -> throw new IllegalArgumentException("no API error for " + status);
        };
    }

    public static Recovering recovering(int status, int times, Turn then) {
        return new Recovering(failure(status), times, then);
    }

    public static Refusal refusal() {
        return new Refusal("cyber", "This request was declined because it could enable cyber harm.");
    }

    private static final Pattern MARKER = Pattern.compile("\\[\\[([A-Za-z0-9_-]+)]]");

    private final HttpServer server;
    private final Map<String, List<Turn>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Usage usage = USAGE;

    public AnthropicApiDouble() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "anthropic-api-double");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The replies to prompts carrying {@code [[marker]]}, turn by turn. */
    public AnthropicApiDouble script(String marker, Turn... turns) {
        scripts.put(marker, List.of(turns));
        return this;
    }

    public AnthropicApiDouble usage(Usage u) {
        this.usage = u;
        return this;
    }

    /** What the client sets as ANTHROPIC_BASE_URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Messages requests answered for this marker. */
    public List<Request> requests(String marker) {
        return requests().stream().filter(r -> marker.equals(r.marker())).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] raw = ex.getRequestBody().readAllBytes();
            if (!"POST".equals(ex.getRequestMethod()) || !path.startsWith("/v1/messages")) {
                requests.add(new Request(path, "", false, null, -1, 404, Json.MAPPER.createObjectNode(), java.time.Instant.now()));
                send(ex, 404, "application/json", error("not_found_error", "Not found: " + path), Map.of());
                return;
            }
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(raw);
            } catch (IOException e) {
                send(ex, 400, "application/json", error("invalid_request_error", "body is not JSON"), Map.of());
                return;
            }
            String model = body.path("model").asText("claude-sonnet-4-5");
            if (path.equals("/v1/messages/count_tokens")) {
                requests.add(new Request(path, model, false, null, -1, 200, body, java.time.Instant.now()));
                send(ex, 200, "application/json", "{\"input_tokens\":" + usage.input() + "}", Map.of());
                return;
            }
            Position at = position(body.path("messages"));
            boolean stream = body.path("stream").asBoolean(false);
            List<Turn> script = at.marker() == null ? List.of() : scripts.getOrDefault(at.marker(), List.of());
            Turn turn = at.turn() < script.size() ? script.get(at.turn()) : text("Done.");
            if (turn instanceof Recovering r) {
                int n = tries.computeIfAbsent(at.marker() + "#" + at.turn(), k -> new AtomicInteger()).incrementAndGet();
                turn = n <= r.times() ? r.failure() : r.then();
            }
            int status = turn instanceof Failure f ? f.status() : turn instanceof Hang ? 0 : 200;
            requests.add(new Request(path, model, stream, at.marker(), at.turn(), status, body, java.time.Instant.now()));
            answer(ex, turn, model, stream);
        }
    }

    private void answer(HttpExchange ex, Turn turn, String model, boolean stream) throws IOException {
        if (turn instanceof Failure f) {
            send(ex, f.status(), "application/json", error(f.type(), f.message()),
                    f.retryAfter() > 0 ? Map.of("retry-after", String.valueOf(f.retryAfter())) : Map.of());
        } else if (turn instanceof Hang) {
            try {
                closed.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (turn instanceof Garbage g) {
            send(ex, 200, stream ? "text/event-stream" : "application/json", g.body(), Map.of());
        } else if (stream) {
            stream(ex, message(turn, model));
        } else {
            send(ex, 200, "application/json", message(turn, model).toString(), Map.of());
        }
    }

    /** The complete message object for a text, tool_use or refusal turn. */
    private ObjectNode message(Turn turn, String model) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("id", "msg_" + id()).put("type", "message").put("role", "assistant").put("model", model);
        ArrayNode content = m.putArray("content");
        String stop;
        if (turn instanceof Text t) {
            content.addObject().put("type", "text").put("text", t.text());
            stop = "end_turn";
        } else if (turn instanceof ToolUse t) {
            for (ToolCall c : t.calls()) {
                ObjectNode block = content.addObject().put("type", "tool_use").put("id", "toolu_" + id()).put("name", c.name());
                try {
                    block.set("input", Json.MAPPER.readTree(c.inputJson()));
                } catch (IOException e) {
                    throw new IllegalArgumentException("tool input is not JSON: " + c.inputJson(), e);
                }
            }
            stop = "tool_use";
        } else if (turn instanceof Refusal r) {
            content.addObject().put("type", "text").put("text", "I can't help with that.");
            stop = "refusal";
            m.putObject("stop_details").put("type", "refusal").put("category", r.category()).put("explanation", r.explanation());
        } else {
            throw new IllegalStateException(turn.toString());
        }
        m.put("stop_reason", stop);
        m.putNull("stop_sequence");
        m.set("usage", usageNode(usage.output()));
        return m;
    }

    private ObjectNode usageNode(int output) {
        ObjectNode u = Json.MAPPER.createObjectNode();
        u.put("input_tokens", usage.input()).put("cache_creation_input_tokens", usage.cacheCreation())
                .put("cache_read_input_tokens", usage.cacheRead()).put("output_tokens", output);
        return u;
    }

    /** The same message as the API streams it. */
    private void stream(HttpExchange ex, ObjectNode message) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("request-id", "req_" + id());
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        ObjectNode start = message.deepCopy();
        start.putArray("content");
        start.putNull("stop_reason");
        start.remove("stop_details");
        start.set("usage", usageNode(1));
        event(out, "message_start", obj("message_start").set("message", start));
        event(out, "ping", obj("ping"));
        int index = 0;
        for (JsonNode block : message.path("content")) {
            ObjectNode empty = block.deepCopy();
            ObjectNode delta = Json.MAPPER.createObjectNode();
            if (block.path("type").asText().equals("text")) {
                empty.put("text", "");
                delta.put("type", "text_delta").put("text", block.path("text").asText());
            } else {
                empty.putObject("input");
                delta.put("type", "input_json_delta").put("partial_json", block.path("input").toString());
            }
            event(out, "content_block_start", obj("content_block_start").put("index", index).set("content_block", empty));
            event(out, "content_block_delta", obj("content_block_delta").put("index", index).set("delta", delta));
            event(out, "content_block_stop", obj("content_block_stop").put("index", index));
            index++;
        }
        ObjectNode delta = Json.MAPPER.createObjectNode().put("stop_reason", message.path("stop_reason").asText());
        delta.putNull("stop_sequence");
        if (message.has("stop_details")) {
            delta.set("stop_details", message.get("stop_details"));
        }
        ObjectNode messageDelta = obj("message_delta");
        messageDelta.set("delta", delta);
        messageDelta.putObject("usage").put("output_tokens", usage.output());
        event(out, "message_delta", messageDelta);
        event(out, "message_stop", obj("message_stop"));
        out.close();
    }

    private static ObjectNode obj(String type) {
        return Json.MAPPER.createObjectNode().put("type", type);
    }

    private static void event(OutputStream out, String name, JsonNode data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange ex, int status, String type, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("request-id", "req_" + id());
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String error(String type, String message) {
        ObjectNode e = obj("error");
        e.putObject("error").put("type", type).put("message", message);
        return e.toString();
    }

    private static String id() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    /** Where a request stands: the latest marker in a user message, and the assistant messages after it. */
    record Position(String marker, int turn) {
    }

    static Position position(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (!"user".equals(m.path("role").asText())) {
                continue;
            }
            Matcher found = MARKER.matcher(userText(m.path("content")));
            String marker = null;
            while (found.find()) {
                marker = found.group(1);
            }
            if (marker != null) {
                int turn = 0;
                for (int j = i + 1; j < messages.size(); j++) {
                    if ("assistant".equals(messages.get(j).path("role").asText())) {
                        turn++;
                    }
                }
                return new Position(marker, turn);
            }
        }
        return new Position(null, 0);
    }

    /** The text a person or the client wrote in a user message (tool results left out). */
    private static String userText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode block : content) {
            if ("text".equals(block.path("type").asText())) {
                sb.append(block.path("text").asText()).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
