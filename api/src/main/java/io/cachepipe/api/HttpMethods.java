package io.cachepipe.api;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.view.ParamType;
import io.javalin.http.Context;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which request methods the API takes, decided by the request line alone.
 *
 * <ul>
 *   <li>Method overrides are ignored: Javalin's {@code Context.method()} honours
 *       {@code X-HTTP-Method-Override} (so a GET carrying {@code X-HTTP-Method-Override: DELETE} ran the
 *       delete), and there is no setting to turn that off. {@link #ignoringOverrides()} is a servlet
 *       filter in front of Javalin that hides the override headers from it.</li>
 *   <li>A method outside {@link #KNOWN} is answered 501 before any route, and every such method is
 *       counted under the one metric tag {@link #OTHER}: made-up methods cannot grow the metric series.</li>
 * </ul>
 */
final class HttpMethods {
    static final Set<String> KNOWN = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    static final String OTHER = "OTHER";
    /** Headers some frameworks read to replace the request method; lower case, compared ignoring case. */
    static final Set<String> OVERRIDES = Set.of("x-http-method-override", "x-http-method", "x-method-override");

    private HttpMethods() {
    }

    /** The method as a metric tag: one of {@link #KNOWN}, or {@link #OTHER}. */
    static String tag(String method) {
        return KNOWN.contains(method) ? method : OTHER;
    }

    /** Before every route: 501 for a method the API does not implement. */
    static void requireKnown(Context ctx) {
        String method = ctx.req().getMethod();
        if (!KNOWN.contains(method)) {
            throw new ApiException(501, "Not implemented", "the method " + ParamType.quoted(method) + " is not one this API "
                    + "implements (" + String.join(", ", KNOWN.stream().sorted().toList()) + ")");
        }
    }

    static Filter ignoringOverrides() {
        return new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                chain.doFilter(request instanceof HttpServletRequest http ? new WithoutOverrides(http) : request, response);
            }
        };
    }

    private static boolean isOverride(@Nullable String name) {
        return name != null && OVERRIDES.contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** The request as sent, less its method-override headers. */
    private static final class WithoutOverrides extends HttpServletRequestWrapper {
        WithoutOverrides(HttpServletRequest request) {
            super(request);
        }

        @Override
        public @Nullable String getHeader(String name) {
            return isOverride(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return isOverride(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(HttpMethods::isOverride);
            return Collections.enumeration(names);
        }
    }
}
