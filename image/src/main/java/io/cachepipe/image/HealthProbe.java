package io.cachepipe.image;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The image's health check, for an image with no shell, curl or wget: exits 0 when the URL answers
 * 200 within two seconds, 1 otherwise. Compose runs it as
 * {@code ["CMD", "/opt/java/bin/java", "-cp", "/app/classes", "io.cachepipe.image.HealthProbe",
 * "http://127.0.0.1:9402/health/ready"]}; Kubernetes probes the same admin port directly.
 */
public final class HealthProbe {
    private HealthProbe() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8080/health/ready";
        System.exit(healthy(url) ? 0 : 1);
    }

    static boolean healthy(String url) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() == 200;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
