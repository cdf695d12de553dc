package org.switchover.console.internal;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/**
 * The only class of the console that uses Gogo types. It is loaded when the first shell line runs, so the console
 * resolves and runs without Gogo (its import of {@code org.apache.felix.service.command} is optional).
 */
final class GogoSession {
    private GogoSession() {
    }

    /**
     * Runs one line in a fresh session whose input is empty (a command that asks a question reads end of input, i.e.
     * "no") and whose output and error go to {@code out}; the command's result, if any, is printed after it.
     *
     * @param processor a {@code CommandProcessor} service object
     * @throws Exception what the command threw (Gogo reports an unknown command this way too)
     */
    static void execute(Object processor, String line, OutputStream out) throws Exception {
        CommandProcessor cp = (CommandProcessor) processor;
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession session = cp.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(line);
            if (result != null) {
                print.println(session.format(result, Converter.INSPECT));
            }
            session.getConsole().flush();
        } finally {
            print.flush();
        }
    }
}
