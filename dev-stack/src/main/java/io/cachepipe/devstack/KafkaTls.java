package io.cachepipe.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a broker key it signed, made with the JDK's own
 * {@code keytool} (no network, no extra library): the broker's PKCS12 keystore holds its key and the
 * chain to the CA, and a PKCS12 truststore holds only the CA, as a client's would. The broker
 * certificate names {@code localhost} and {@code 127.0.0.1}, so clients keep Kafka's default host
 * name check ({@code ssl.endpoint.identification.algorithm=https}).
 *
 * @param keystore   the broker's key and certificate chain
 * @param truststore the CA certificate only: what a client trusts
 * @param password   of both stores (and of the broker key: PKCS12 has one password)
 */
record KafkaTls(Path keystore, Path truststore, String password) {
    static final String STORE_TYPE = "PKCS12";
    private static final String SUBJECT_NAMES = "dns:localhost,ip:" + Ports.LOOPBACK;
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    /** Writes new stores into {@code dir}, replacing any left there by an earlier start. */
    static KafkaTls generate(Path dir, String password) {
        try {
            Files.createDirectories(dir);
            Path ca = dir.resolve("ca.p12");
            Path caCert = dir.resolve("ca.crt");
            Path request = dir.resolve("broker.csr");
            Path brokerCert = dir.resolve("broker.crt");
            KafkaTls tls = new KafkaTls(dir.resolve("broker.p12"), dir.resolve("truststore.p12"), password);
            for (Path stale : List.of(ca, caCert, request, brokerCert, tls.keystore, tls.truststore)) {
                Files.deleteIfExists(stale);
            }
            tls.keytool(dir, "-genkeypair", "-alias", "ca", "-dname", "CN=cachepipe dev stack CA", "-ext", "bc:c",
                    "-keystore", ca.toString());
            tls.keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caCert.toString());
            tls.keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(),
                    "-keystore", tls.truststore.toString());
            tls.keytool(dir, "-genkeypair", "-alias", "broker", "-dname", "CN=localhost", "-keystore", tls.keystore.toString());
            tls.keytool(dir, "-certreq", "-alias", "broker", "-keystore", tls.keystore.toString(), "-file", request.toString());
            tls.keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-infile", request.toString(),
                    "-outfile", brokerCert.toString(), "-ext", "san=" + SUBJECT_NAMES, "-ext", "eku=serverAuth");
            // The CA first, so that keytool accepts the signed certificate as a reply that completes the chain.
            tls.keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(),
                    "-keystore", tls.keystore.toString());
            tls.keytool(dir, "-importcert", "-alias", "broker", "-file", brokerCert.toString(),
                    "-keystore", tls.keystore.toString());
            return tls;
        } catch (IOException e) {
            throw new DevStackException("Could not write Kafka's TLS stores under " + dir + ": " + e.getMessage(), e);
        }
    }

    private void keytool(Path dir, String command, String... arguments) throws IOException {
        List<String> line = new ArrayList<>(List.of(keytoolBinary().toString(), command));
        line.addAll(List.of(arguments));
        line.addAll(List.of("-storetype", STORE_TYPE, "-storepass", password));
        if (command.equals("-genkeypair")) {
            line.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        }
        if (command.equals("-gencert")) {
            line.addAll(List.of("-validity", "2"));
        }
        Path output = dir.resolve("keytool.log");
        Process process = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DevStackException("keytool " + command + " did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DevStackException("Interrupted while keytool " + command + " ran", e);
        }
        if (process.exitValue() != 0) {
            throw new DevStackException("keytool " + command + " failed (exit " + process.exitValue() + "): "
                    + Files.readString(output, StandardCharsets.UTF_8).strip());
        }
    }

    /** The keytool of the JDK running this JVM: every JDK has one, and no other is needed. */
    private static Path keytoolBinary() {
        Path binary = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(binary)) {
            throw new DevStackException("No keytool at " + binary + ": the SASL_SSL Kafka broker needs a full JDK, not a JRE");
        }
        return binary;
    }

    @Override
    public String toString() {
        return "KafkaTls[keystore=" + keystore + ", truststore=" + truststore + ", password=****]";
    }
}
