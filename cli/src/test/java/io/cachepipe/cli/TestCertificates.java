package io.cachepipe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority, server and client certificates made at test time by the machine's {@code openssl}
 * (no network, nothing checked in): RSA 2048, valid for a day. A key file is left readable by its owner
 * only, since PostgreSQL refuses an {@code ssl_key_file} others may read.
 */
final class TestCertificates {
    private static final long OPENSSL_TIMEOUT_SECONDS = 60;

    /** A CA: its certificate (what a client's {@code sslrootcert} names) and the key that signs with it. */
    record Authority(Path certificate, Path key) {
    }

    /** A certificate signed by an {@link Authority}, and its key. */
    record Signed(Path certificate, Path key) {
    }

    private TestCertificates() {
    }

    /** A self-signed CA named {@code name}, in {@code dir/<name>.pem} and {@code dir/<name>.key}. */
    static Authority authority(Path dir, String name) throws IOException, InterruptedException {
        Path certificate = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "1",
                "-subj", "/CN=" + name, "-keyout", key.toString(), "-out", certificate.toString(),
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        ownerOnly(key);
        return new Authority(certificate, key);
    }

    /**
     * A server certificate for CN {@code localhost} whose subject alternative names are {@code DNS:localhost} and
     * {@code IP:127.0.0.1}, signed by {@code authority}, in {@code dir/<name>.pem} and {@code dir/<name>.key}.
     */
    static Signed server(Path dir, String name, Authority authority) throws IOException, InterruptedException {
        return signed(dir, name, "localhost", authority, """
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature, keyEncipherment
                extendedKeyUsage = serverAuth
                subjectAltName = DNS:localhost, IP:127.0.0.1
                """);
    }

    /**
     * A client certificate for CN {@code user} (what PostgreSQL's {@code clientcert=verify-full} compares with the
     * user name), signed by {@code authority}, in {@code dir/<name>.pem}; its key in {@code dir/<name>.pk8}, PKCS-8 DER
     * encrypted with {@code keyPassword} (the form the PostgreSQL driver's {@code sslkey} and {@code sslpassword} take).
     */
    static Signed client(Path dir, String name, String user, Authority authority, String keyPassword)
            throws IOException, InterruptedException {
        Signed pem = signed(dir, name, user, authority, """
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature, keyEncipherment
                extendedKeyUsage = clientAuth
                """);
        Path pk8 = dir.resolve(name + ".pk8");
        // PKCS#5 v1.5 3DES, a cipher the JDK's SecretKeyFactory knows by the name the driver asks for
        openssl(dir, "pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-inform", "PEM", "-outform", "DER", "-in", pem.key().toString(),
                "-out", pk8.toString(), "-passout", "pass:" + keyPassword);
        ownerOnly(pk8);
        return new Signed(pem.certificate(), pk8);
    }

    private static Signed signed(Path dir, String name, String commonName, Authority authority, String extensions)
            throws IOException, InterruptedException {
        Path certificate = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        Path request = dir.resolve(name + ".csr");
        Path extensionFile = Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + commonName, "-keyout", key.toString(),
                "-out", request.toString());
        ownerOnly(key);
        openssl(dir, "x509", "-req", "-in", request.toString(), "-CA", authority.certificate().toString(),
                "-CAkey", authority.key().toString(), "-CAcreateserial", "-sha256", "-days", "1",
                "-extfile", extensionFile.toString(), "-out", certificate.toString());
        return new Signed(certificate, key);
    }

    private static void openssl(Path dir, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Path log = dir.resolve("openssl.log");
        Files.deleteIfExists(log);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in " + OPENSSL_TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private static void ownerOnly(Path key) throws IOException {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }
}
