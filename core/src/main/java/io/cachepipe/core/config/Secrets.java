package io.cachepipe.core.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the credentials a connection URL can carry, keeping the rest (scheme, host, port, database)
 * because that is what an operator reading a log needs. The one place URLs are made safe to print:
 * {@link Setting#mask}, the config records' {@code toString} and connection error messages use it.
 *
 * <ul>
 *   <li>User-info: {@code redis://user:pw@host} becomes {@code redis://user:****@host}. User-info without
 *       a colon is masked whole ({@code redis://****@host}): Redis clients (Lettuce) read
 *       {@code redis://secret@host} as a password, not a user name.</li>
 *   <li>Query parameters whose name ends in {@code password} (any case; pgjdbc's {@code password} and
 *       {@code sslpassword}): {@code ?user=app&password=pw} becomes {@code ?user=app&password=****}.</li>
 * </ul>
 */
public final class Secrets {
    public static final String MASK = "****";

    /** {@code scheme://} then user-info up to the last '@' before the host; a password may itself contain '@'. */
    private static final Pattern USER_INFO = Pattern.compile("(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?<info>[^/?#\\s,]*)@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(?<name>[?&;][a-z_.-]*password=)[^&;#\\s,]*");

    private Secrets() {
    }

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|jaas|token|credential).*");

    /** Whether a client setting's name says its value is secret ({@code sasl.jaas.config}, {@code ssl.key.password}). */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** The text with every URL password in it masked; text without one is returned unchanged. */
    public static String maskUrlPasswords(String text) {
        Matcher userInfo = USER_INFO.matcher(text);
        var masked = new StringBuilder();
        while (userInfo.find()) {
            String info = userInfo.group("info");
            int colon = info.indexOf(':');
            String safe = colon < 0 ? MASK : info.substring(0, colon + 1) + MASK;
            userInfo.appendReplacement(masked, Matcher.quoteReplacement(userInfo.group("scheme") + safe + "@"));
        }
        userInfo.appendTail(masked);
        return PASSWORD_PARAM.matcher(masked).replaceAll(match -> Matcher.quoteReplacement(match.group("name") + MASK));
    }
}
