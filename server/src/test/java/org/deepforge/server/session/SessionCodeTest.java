package org.deepforge.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;

/** Generated cells are one call of {@code df} whose arguments are literals, whatever text a user sent. */
class SessionCodeTest {
    static final String HOSTILE = "x\"); import os; os.system('touch /tmp/pwned') #\n'''\\\"\u0000\u2028é";

    @Test
    void everyArgumentIsALiteralThatPythonReadsBackExactly() throws Exception {
        var config = Json.MAPPER.createObjectNode().put("training", "t1").put("data", "xy").put("flag", true);
        config.putObject("loss").put("name", HOSTILE).putNull("arguments");
        for (String code : new String[] {
                SessionCode.load("x", HOSTILE, HOSTILE), SessionCode.explore(HOSTILE, Optional.of("auto"), Optional.of(HOSTILE), Optional.empty()),
                SessionCode.save(HOSTILE, "save-1"), SessionCode.train(config)}) {
            String seen = python(code);
            assertThat(seen).as(code).startsWith("df.");
            assertThat(seen).as(code).contains(Json.compact(Json.MAPPER.getNodeFactory().textNode(HOSTILE)));
        }
    }

    @Test
    void hostileColumnNamesAreAListOfStringLiterals() throws Exception {
        List<String> columns = List.of(HOSTILE, "]), __import__('os').system('id'), [(\"", "\\");
        String seen = python(SessionCode.explore("t", Optional.of("scatter"), Optional.empty(), Optional.of(columns)));
        var args = Json.MAPPER.createArrayNode().add("t").add("scatter").addNull();
        columns.forEach(args.addArray()::add);
        assertThat(seen.strip()).isEqualTo("df.explore " + Json.compact(args));
    }

    @Test
    void noColumnsIsNone() throws Exception {
        assertThat(python(SessionCode.explore("t", Optional.empty(), Optional.empty(), Optional.empty())).strip())
                .isEqualTo("df.explore [\"t\",null,null,null]");
    }

    /** The call's function and its arguments' values as JSON, from Python's own parser (never run). */
    private static String python(String code) throws Exception {
        String script = "import ast, json, sys\n"
                + "tree = ast.parse(sys.stdin.read())\n"
                + "assert len(tree.body) == 1 and isinstance(tree.body[0].value, ast.Call), ast.dump(tree)\n"
                + "call = tree.body[0].value\n"
                + "args = [ast.literal_eval(a) for a in call.args] + [ast.literal_eval(k.value) for k in call.keywords]\n"
                + "print(ast.unparse(call.func), json.dumps(args, ensure_ascii=False, separators=(',', ':')))\n";
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script).redirectErrorStream(true).start();
        p.getOutputStream().write(code.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
