package io.jetconnect.distribution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange as raw bytes over a socket to 127.0.0.1, so that a test can send what no HTTP client
 * would: a lying {@code Content-Length}, broken chunking, a body cut short, a body that stalls. The request is
 * written on a thread of its own while the answer is read, because a server may answer (and close) before it has
 * read an oversized body.
 */
final class RawHttp {

    /** An answer: the status, the headers (names in lower case) and the body as UTF-8 text. */
    record Response(int status, Map<String, String> headers, String body) {

        /** @return the answer as text, for scans and failure messages */
        String describe() {
            return status + " " + headers + " " + body;
        }
    }

    /** No answer came within the time allowed. */
    static final class NoAnswer extends IOException {
        private static final long serialVersionUID = 1L;

        NoAnswer(String message) {
            super(message);
        }
    }

    private RawHttp() {
    }

    /**
     * @param port the listener's port on 127.0.0.1
     * @param request the whole request, head and body
     * @param halfClose whether to shut the socket's output down once the request is written
     * @param timeout how long the answer may take
     * @return the answer
     * @throws NoAnswer if none came in time
     */
    static Response exchange(int port, byte[] request, boolean halfClose, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) timeout.toMillis());
            Thread writer = new Thread(() -> write(socket, request, halfClose), "raw-http-writer");
            writer.setDaemon(true);
            writer.start();
            byte[] raw = readAll(socket.getInputStream());
            return parse(raw);
        }
    }

    private static void write(Socket socket, byte[] request, boolean halfClose) {
        try {
            OutputStream out = socket.getOutputStream();
            for (int offset = 0; offset < request.length; offset += 8192) {
                out.write(request, offset, Math.min(8192, request.length - offset));
            }
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            // The server answered and closed before reading everything (413 on Content-Length): the answer counts.
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                if (complete(out.toByteArray())) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            if (out.size() == 0) {
                throw new NoAnswer("no answer within the time allowed");
            }
        } catch (SocketException e) {
            // A reset after the answer (the server closed with our body unread): keep what arrived.
            if (out.size() == 0) {
                throw e;
            }
        }
        return out.toByteArray();
    }

    /** @return whether the bytes hold a whole answer with a Content-Length (so no need to wait for the close) */
    private static boolean complete(byte[] raw) {
        int end = headEnd(raw);
        if (end < 0) {
            return false;
        }
        Map<String, String> headers = headers(new String(raw, 0, end, StandardCharsets.ISO_8859_1));
        String length = headers.get("content-length");
        return length != null && raw.length - (end + 4) >= Long.parseLong(length.trim());
    }

    private static int headEnd(byte[] raw) {
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, String> headers(String head) {
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }

    static Response parse(byte[] raw) throws IOException {
        int end = headEnd(raw);
        if (end < 0) {
            throw new IOException("not an HTTP answer: " + new String(raw, StandardCharsets.ISO_8859_1));
        }
        String head = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
        String[] statusLine = head.split("\r\n", 2)[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, String> headers = headers(head);
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            body = dechunk(body);
        } else if (headers.containsKey("content-length")) {
            body = java.util.Arrays.copyOf(body, (int) Math.min(body.length,
                    Long.parseLong(headers.get("content-length").trim())));
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < chunked.length) {
            int lineEnd = i;
            while (lineEnd + 1 < chunked.length && !(chunked[lineEnd] == '\r' && chunked[lineEnd + 1] == '\n')) {
                lineEnd++;
            }
            String size = new String(chunked, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int n = size.isEmpty() ? 0 : Integer.parseInt(size, 16);
            if (n == 0) {
                break;
            }
            int start = lineEnd + 2;
            out.write(chunked, start, Math.min(n, chunked.length - start));
            i = start + n + 2;
        }
        return out.toByteArray();
    }

    /** Frames a body as chunks of at most {@code size} bytes, with the final empty chunk. */
    static byte[] chunked(byte[] body, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        for (int offset = 0; offset < body.length; offset += size) {
            int n = Math.min(size, body.length - offset);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, offset, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
