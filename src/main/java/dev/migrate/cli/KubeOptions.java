package dev.migrate.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** Which cluster to talk to. The context is always named; the kubeconfig's current-context is never assumed. */
public class KubeOptions implements SettingsOptions.FlagSource {
    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "kubeconfig of the homelab (default: ~/.kube/homelab.yaml).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME",
            description = "kubeconfig context to use. Required for cluster access: the current-context is never used silently.")
    String context;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Namespace (default: monitoring).")
    String namespace;

    @Override
    public void addFlags(Map<String, String> flags) {
        if (kubeconfig != null) {
            flags.put("kubeconfig", kubeconfig.toString());
        }
        if (context != null) {
            flags.put("context", context);
        }
        if (namespace != null) {
            flags.put("namespace", namespace);
        }
    }
}
