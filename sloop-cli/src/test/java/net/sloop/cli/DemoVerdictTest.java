package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import net.sloop.demo.SimDemo;
import org.junit.jupiter.api.Test;

/** The demo ends with one line saying whether every check passed, naming each that failed. */
class DemoVerdictTest {
    @Test
    void theDemoEndsWithItsVerdict() {
        PrintStream saved = System.out;
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(text, true));
            status = Main.commandLine().execute("demo", "--tcp", "16k", "--datagrams", "50", "--pings", "3");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, status, text.toString());
        String[] lines = text.toString().strip().split("\n");
        assertEquals("demo: every check passed (UDP datagrams intact, TCP echo intact, both budgets back at baseline)", lines[lines.length - 1]);
    }

    @Test
    void aFailedCheckIsNamed() {
        SimDemo.Result leak = new SimDemo.Result(3, 50, 0, true, false, 1, true);
        assertEquals("demo: FAILED: memory: a stack is not back at its baseline after closing everything", DemoCommand.verdict(leak, true));
        SimDemo.Result both = new SimDemo.Result(3, 50, 0, false, true, 1, false);
        assertEquals("demo: FAILED: UDP echo: a datagram came back corrupted; TCP echo: the bytes back differ from those sent",
                DemoCommand.verdict(both, true));
        assertEquals("demo: every check passed (UDP datagrams intact, both budgets back at baseline)",
                DemoCommand.verdict(new SimDemo.Result(3, 50, 0, true, true, 1, true), false));
    }
}
