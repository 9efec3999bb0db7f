package io.cachepipe.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.view.ParamType;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a declared write, read strictly. {@code Content-Type: application/json} is required
 * on POST, PUT and PATCH whatever the body, and on a DELETE that sends one: a web page can post
 * {@code text/plain} or a form to another origin without asking, but not JSON (415 otherwise).
 * Exactly one JSON value (no trailing tokens), no key twice, no deeper than a few levels, no number
 * literal or string beyond the request limits (400 otherwise). A client that goes away mid-body is
 * logged quietly and answered 400, not counted as a server failure.
 */
final class JsonBody {
    private static final Logger log = LoggerFactory.getLogger(JsonBody.class);
    private static final int MAX_DEPTH = 16;
    private static final int MAX_REASON = 200;
    private final ObjectReader reader;

    JsonBody(int maxStringLength) {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        // The request limits themselves are checked per parameter; these keep the parser from holding more.
                        .maxNumberLength(2 * ParamType.MAX_DECIMAL_DIGITS + 16)
                        .maxStringLength(Math.max(1_000, 2 * maxStringLength))
                        .build())
                .build();
        this.reader = JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build()
                .reader();
    }

    /** The body as JSON, or null when there is none. */
    @Nullable JsonNode read(Context ctx) {
        requireJson(ctx);
        byte[] bytes = bytes(ctx);
        if (bytes.length == 0) {
            return null;
        }
        try {
            return reader.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + reason(e));
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read");
        }
    }

    private static void requireJson(Context ctx) {
        String type = ctx.header("Content-Type");
        boolean bodyMethod = !"DELETE".equals(ctx.req().getMethod());
        boolean hasBody = type != null || ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
        if ((bodyMethod || hasBody) && !isJson(type)) {
            throw new ApiException(415, "Unsupported media type", "writes take 'Content-Type: application/json'"
                    + (type == null ? "" : ", not " + ParamType.quoted(type)));
        }
    }

    static boolean isJson(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return media.equals("application/json");
    }

    private static byte[] bytes(Context ctx) {
        try {
            return ctx.bodyAsBytes();
        } catch (HttpResponseException e) {
            throw e; // 413 beyond api.max-body-bytes, mapped by ProblemResponses
        } catch (Exception e) {
            if (ProblemResponses.isClientGone(e)) {
                log.debug("{} {}: the client went away before its body ended ({})", ctx.method(), ctx.path(), e.toString());
                throw ApiException.badRequest("the request body ended before its declared length");
            }
            throw e;
        }
    }

    /** Jackson's reason with its position, cut short: never the whole offending input. */
    private static String reason(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
        if (message.length() > MAX_REASON) {
            message = message.substring(0, MAX_REASON) + "…";
        }
        var where = e.getLocation();
        return where == null ? message : message + " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    }
}
