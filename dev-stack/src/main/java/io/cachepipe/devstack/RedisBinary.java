package io.cachepipe.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The statically linked redis-server that org.signal:embedded-redis carries as a class-path
 * resource. We copy it out ourselves instead of using that library's {@code RedisServer}, which
 * always extracts into {@code java.io.tmpdir}, writes its config file there too, and adds a JVM
 * shutdown hook on every start.
 */
final class RedisBinary {
    /** The version inside embedded-redis 0.9.1 ({@code redis.embedded.RedisExecProvider.redisVersion}). */
    static final String VERSION = "7.0.15";

    private RedisBinary() {
    }

    /** The executable's file name on this platform, such as {@code redis-server-7.0.15-linux-amd64}. */
    static String fileName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String system = os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : null;
        String machine = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> null;
        };
        if (system == null || machine == null || (system.equals("darwin") && machine.equals("386"))) {
            throw new DevStackException("embedded-redis has no redis-server for " + os + "/" + arch
                    + ". Use a Redis you run yourself: CACHEPIPE_DEVSTACK_PROVIDER=external and CACHEPIPE_DEVSTACK_REDIS_URL,"
                    + " or Docker with CACHEPIPE_DEVSTACK_PROVIDER=testcontainers.");
        }
        return "redis-server-" + VERSION + "-" + system + "-" + machine;
    }

    /** Copies the binary into {@code binDir} unless an identical-sized copy is already there. */
    static Path extract(Path binDir) {
        String name = fileName();
        Path target = binDir.resolve(name);
        URL resource = RedisBinary.class.getClassLoader().getResource(name);
        if (resource == null) {
            throw new DevStackException("Resource " + name + " is not on the class path: is org.signal:embedded-redis there?");
        }
        try {
            URLConnection connection = resource.openConnection();
            long size = connection.getContentLengthLong();
            if (Files.isExecutable(target) && Files.size(target) == size) {
                return target;
            }
            Files.createDirectories(binDir);
            Path partial = Files.createTempFile(binDir, name, ".partial");
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!partial.toFile().setExecutable(true)) {
                throw new IOException("could not make " + partial + " executable");
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new DevStackException("Could not copy " + name + " into " + binDir + ": " + e.getMessage()
                    + ". Check that the directory is writable and the disk not full.", e);
        }
    }
}
