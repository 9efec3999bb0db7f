package io.cachepipe.api;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.ViewDefinition;
import io.javalin.http.Context;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Lets browsers and CDNs in front of the API help: a strong {@code ETag} per answer, {@code 304}
 * for a matching {@code If-None-Match}, and {@code Cache-Control} from the view's HTTP max-age.
 *
 * <p>The tag is the value's version and a CRC-32C of its bytes: the version alone could name two
 * different bodies of one key (a fill and a later warm at the same version, read on either side of
 * a commit whose invalidation had not arrived yet), the checksum tells them apart.
 */
final class HttpCaching {
    private HttpCaching() {
    }

    static String etag(byte[] body, @Nullable Version version) {
        var crc = new CRC32C();
        crc.update(body);
        String sum = Long.toHexString(crc.getValue());
        return "\"" + (version == null ? "" : version.hex() + "-") + sum + "\"";
    }

    /** Sets the caching headers; true if the client's copy is current and a 304 was sent instead. */
    static boolean notModified(Context ctx, ViewDefinition view, byte[] body, @Nullable Version version) {
        String etag = etag(body, version);
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", view.httpMaxAge().isZero()
                ? "no-cache" : "max-age=" + view.httpMaxAge().toSeconds());
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
            ctx.status(304);
            return true;
        }
        return false;
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}
