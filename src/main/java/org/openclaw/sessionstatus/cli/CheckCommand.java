package org.openclaw.sessionstatus.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.config.Setting;
import picocli.CommandLine.Command;

/** {@code check}: every setting as resolved, by walking the key table; the secret masked, with where it comes from. */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Validate the configuration and print the resolved settings (secret masked).")
final class CheckCommand extends ConfiguredCommand {

    CheckCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    public Integer call() throws Exception {
        Config config = config();
        Secrets.Resolved secret = new Secrets(env).resolve(config, false);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode out = json.createObjectNode();
        out.put("configFile", config.file().map(Path::toString).orElse(null));
        config.describe().forEach((key, value) -> {
            ObjectNode parent = out;
            String[] path = key.split("\\.", -1);
            for (int i = 0; i < path.length - 1; i++) {
                parent = parent.has(path[i]) ? (ObjectNode) parent.get(path[i]) : parent.putObject(path[i]);
            }
            parent.set(path[path.length - 1], json.valueToTree(value));
        });
        // What the daemon will read, not only what was configured.
        out.put(Setting.STATE_DIR.key(), Daemon.stateDir(config, env).toString());
        ObjectNode http = (ObjectNode) out.get("http");
        http.put("secret", secret.secret().map(Object::toString).orElse(null));
        http.put("secretSource", secret.source());
        spec.commandLine().getOut().println(json.writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
