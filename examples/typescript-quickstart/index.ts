// The quick start as an inline TypeScript program, run by Pulumi's Node.js Automation
// API (no Node.js language host needed) through the pulumi-resource-vast plugin.
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace } from "@pulumi/pulumi/automation";

/** A resource of the plugin, by type token (a generated SDK would give typed classes). */
class Vast extends pulumi.CustomResource {
    constructor(type: string, name: string, props: pulumi.Inputs) {
        super(`vast:index:${type}`, name, props);
    }
}

const program = async () => {
    const endpoint = new Vast("Endpoint", "llm", {
        endpointName: "ts-qwen3",
        maxWorkers: 2,
        coldWorkers: 1,
    });
    new Vast("Workergroup", "llm-workers", {
        endpointId: endpoint.id,
        templateHash: "0123456789abcdef0123456789abcdef",
        gpuRam: 24,
        searchParams: "gpu_name=RTX_4090 num_gpus=1 gpu_ram>=24",
    });
    return { endpointId: endpoint.id };
};

async function main(): Promise<void> {
    const [action, stateDir] = process.argv.slice(2);
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "dev", projectName: "vast-ts-quickstart", program },
        {
            projectSettings: {
                name: "vast-ts-quickstart",
                runtime: "nodejs",
                backend: { url: `file://${stateDir}` },
            },
            envVars: { PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "local" },
        },
    );
    await stack.setConfig("vast:apiUrl", { value: process.env.VAST_API_URL ?? "" });
    await stack.setConfig("vast:apiKey", { value: process.env.VAST_API_KEY ?? "", secret: true });
    const onOutput = (text: string) => process.stdout.write(text);
    if (action === "up") {
        const result = await stack.up({ onOutput });
        console.log(`\nendpointId=${result.outputs.endpointId.value}`);
    } else {
        await stack.destroy({ onOutput });
    }
}

main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
});
