package io.cachepipe.devstack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Asks Testcontainers whether a Docker engine answers, if {@link DockerHints} finds any sign of one.
 * Only AUTO calls this, and only through a lambda, so choosing EMBEDDED or EXTERNAL never loads
 * a Testcontainers class.
 */
final class DockerProbe {
    private static final Logger LOG = LoggerFactory.getLogger(DockerProbe.class);

    private DockerProbe() {
    }

    static boolean isDockerAvailable() {
        if (!DockerHints.anyPresent()) {
            LOG.info("No Docker socket, DOCKER_HOST or Testcontainers configuration found; not asking Testcontainers");
            return false;
        }
        long started = System.nanoTime();
        try {
            boolean available = DockerClientFactory.instance().isDockerAvailable();
            LOG.info("Docker {} (asked Testcontainers in {} ms)", available ? "answers" : "does not answer",
                    (System.nanoTime() - started) / 1_000_000);
            return available;
        } catch (LinkageError e) {
            LOG.info("Testcontainers is not on the class path ({}); not using Docker", e.toString());
            return false;
        }
    }
}
