package io.jetconnect.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeFootprintTest {

    @Test
    void countsThisProcessesConnectionsToAPortAndNotTheAcceptedEnds() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = server.getLocalPort();
            assertEquals(0, RuntimeFootprint.connectionsTo(port));
            for (int i = 0; i < 3; i++) {
                sockets.add(new Socket("127.0.0.1", port));
                sockets.add(server.accept());
            }
            assertEquals(3, RuntimeFootprint.connectionsTo(port));
            sockets.get(0).close();
            assertEquals(2, RuntimeFootprint.connectionsTo(port));
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void describesTheFiguresInOneLine() {
        String line = new RuntimeFootprint(10_147, 421, 1223, 101, 18_380).describe(100);
        assertEquals("100 pipelines ready in 10,147 ms; then RSS 421 MiB, 1223 threads, 101 NATS connections, "
                + "18,380 /metrics lines", line);
        assertTrue(new RuntimeFootprint(1, 1, 1, 1, 1).describe(1).startsWith("1 pipeline ready"));
    }
}
