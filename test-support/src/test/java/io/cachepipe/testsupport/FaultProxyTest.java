package io.cachepipe.testsupport;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy against an echo server on loopback: it passes bytes, delays them, holds them, resets and heals. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultProxyTest {
    private ServerSocket echo;
    private Thread echoAcceptor;
    private final AtomicInteger echoConnections = new AtomicInteger();
    private FaultProxy proxy;

    @BeforeEach
    void startEchoServerAndProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoAcceptor = Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    echoConnections.incrementAndGet();
                    Thread.ofVirtual().start(() -> echo(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = FaultProxy.start("test", "127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        proxy.close();
        stopEchoServer();
    }

    /**
     * Closes the echo server and waits for its accept loop to end. A virtual thread blocked in
     * {@code accept} closes the listening socket only when it leaves {@code accept}, and may accept one
     * more connection before it does: without the wait, a connection made just after {@code close()}
     * can still reach the echo server (and then waits for bytes that never come).
     */
    private void stopEchoServer() throws IOException, InterruptedException {
        echo.close();
        echoAcceptor.join();
    }

    private static void echo(Socket socket) {
        try (socket) {
            socket.getInputStream().transferTo(socket.getOutputStream());
            socket.shutdownOutput();
        } catch (IOException e) {
            // the proxy reset it: the test is about that side
        }
    }

    @Test
    void passesBytesBothWays_andAHalfCloseAsOne() throws Exception {
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "hello")).isEqualTo("hello");
            socket.shutdownOutput();
            assertThat(socket.getInputStream().read()).as("the echo server's end of stream, passed on").isEqualTo(-1);
        }
        assertThat(proxy.forwarded()).isEqualTo(10);
        await("the link to be forgotten").until(() -> proxy.open() == 0);
    }

    @Test
    void delay_holdsEveryChunkInEachDirection_untilHealed() throws Exception {
        try (Socket socket = connect()) {
            proxy.delay(Duration.ofMillis(150));
            long started = System.nanoTime();
            assertThat(roundTrip(socket, "slow")).isEqualTo("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

            proxy.heal();
            started = System.nanoTime();
            assertThat(roundTrip(socket, "fast")).isEqualTo("fast");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(300));
        }
    }

    @Test
    void stall_passesNothingOnOpenOrNewConnections_andHealDeliversWhatWaited() throws Exception {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "before")).isEqualTo("before");
            proxy.stall();
            open.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
            open.setSoTimeout(500);
            assertThatThrownBy(() -> open.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            try (Socket fresh = connect()) {
                await("the new connection to be accepted").until(() -> proxy.accepted() == 2);
                fresh.getOutputStream().write("new".getBytes(StandardCharsets.US_ASCII));
                assertThat(echoConnections).as("a stalled proxy does not reach the server").hasValue(1);
                assertThat(proxy.open()).isEqualTo(2);

                proxy.heal();
                open.setSoTimeout(10_000);
                fresh.setSoTimeout(10_000);
                assertThat(read(open.getInputStream(), 4)).isEqualTo("held");
                assertThat(read(fresh.getInputStream(), 3)).isEqualTo("new");
                assertThat(echoConnections).hasValue(2);
            }
        }
    }

    @Test
    void resetAll_resetsOpenConnections_andNewOnesWork() throws Exception {
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, "one")).isEqualTo("one");
            proxy.resetAll();
            socket.setSoTimeout(10_000);
            assertThatThrownBy(() -> {
                socket.getOutputStream().write(1);
                socket.getInputStream().read();
            }).isInstanceOf(SocketException.class);
        }
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "two")).isEqualTo("two");
        }
    }

    @Test
    void aTargetThatIsGone_endsTheClientsConnection() throws Exception {
        stopEchoServer();
        try (Socket socket = connect()) {
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (SocketException reset) {
                read = -1;
            }
            assertThat(read).as("the connection ends (reset, or end of stream), with nothing read").isEqualTo(-1);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return read(socket.getInputStream(), text.length());
    }

    private static String read(InputStream in, int length) throws IOException {
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
