package org.openclaw.sessionstatus.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.model.RunningEvidence;
import picocli.CommandLine.Command;

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
        out.put("configFile", config.configFile().map(Path::toString).orElse(null));
        out.put("stateDir", Daemon.stateDir(config, env).toString());
        ArrayNode sessionDirs = out.putArray("sessionDirs");
        config.sessionDirs().forEach(dir -> sessionDirs.add(dir.toString()));
        if (config.maxConcurrent().isAuto()) {
            out.put("maxConcurrent", "auto");
        } else {
            out.put("maxConcurrent", config.maxConcurrent().fixed().getAsInt());
        }
        out.put("runningWindowMs", config.runningWindowMs());
        out.put("detailsWindowMs", config.detailsWindowMs());
        ArrayNode evidence = out.putArray("runningEvidence");
        for (RunningEvidence kind : RunningEvidence.values()) {
            if (config.runningEvidence().contains(kind)) {
                evidence.add(kind.configName());
            }
        }
        out.put("lockPidCheck", config.lockPidCheck());
        out.put("redactKeys", config.redactKeys());
        ObjectNode http = out.putObject("http");
        http.put("allowNoAuth", config.http().allowNoAuth());
        http.put("host", config.http().host());
        http.put("port", config.http().port());
        http.put("secret", secret.secret().isPresent() ? secret.secret().get().toString() : null);
        http.put("secretSource", secret.source());
        out.putObject("busyState").put("activeLeaseMs", config.activeLeaseMs());
        out.put("cautiousLeaseMs", config.cautiousLeaseMs());
        out.put("idleGraceMs", config.idleGraceMs());
        out.put("logIntervalMs", config.logIntervalMs());
        out.put("activityTtlMs", config.activityTtlMs());
        spec.commandLine().getOut().println(json.writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
