package io.cachepipe.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One keep-alive HTTP/1.1 connection that sends {@code GET}s and reads whole responses, nothing more.
 * The load generator uses it instead of {@link java.net.http.HttpClient} because on two cores the
 * client's own cost is part of every figure: this one parses only the status line, the headers it
 * needs ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}) and skips the body, unless
 * the caller asks for it (the consistency checker reads what it was served).
 * Not thread-safe: one per load-generator worker.
 */
final class HttpConnection implements AutoCloseable {
    private final InetSocketAddress address;
    private final String host;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HttpConnection(InetSocketAddress address) throws IOException {
        this.address = address;
        this.host = address.getHostString() + ":" + address.getPort();
        open();
    }

    private void open() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        socket.connect(address, 5_000);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
    }

    /** Sends {@code GET path} and answers the status code once the whole body was read. Reconnects once if the server closed. */
    int get(String path) throws IOException {
        return get(path, null);
    }

    /** As {@link #get(String)}, and the body goes to {@code body} (emptied first) when one is given. */
    int get(String path, @Nullable ByteArrayOutputStream body) throws IOException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: application/json\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try {
            return exchange(request, body);
        } catch (EOFException | java.net.SocketException e) {
            // A keep-alive connection the server closed while idle: one retry on a new connection.
            close();
            open();
            return exchange(request, body);
        }
    }

    private int exchange(byte[] request, @Nullable ByteArrayOutputStream body) throws IOException {
        if (body != null) {
            body.reset();
        }
        out.write(request);
        out.flush();
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        if (chunked) {
            skipChunks(body);
        } else if (contentLength > 0) {
            skip(contentLength, body);
        } else if (contentLength < 0 && status != 204 && status != 304) {
            close = true; // body delimited by the connection's end
            in.transferTo(body != null ? body : OutputStream.nullOutputStream());
        }
        if (close) {
            close();
            open();
        }
        return status;
    }

    private void skipChunks(@Nullable ByteArrayOutputStream body) throws IOException {
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return;
            }
            skip(size, body);
            readLine();
        }
    }

    private void skip(long bytes, @Nullable ByteArrayOutputStream body) throws IOException {
        if (body != null) {
            byte[] read = in.readNBytes((int) bytes);
            if (read.length < bytes) {
                throw new EOFException("connection closed with " + (bytes - read.length) + " body bytes unread");
            }
            body.write(read);
            return;
        }
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("connection closed with " + left + " body bytes unread");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private String readLine() throws IOException {
        var line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (b == '\n') {
                int length = line.length();
                return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket we are done with
        }
    }
}
