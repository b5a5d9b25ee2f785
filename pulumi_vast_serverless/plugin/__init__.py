"""``pulumi-resource-vast``: the providers served as a Pulumi provider plugin, so programs
in every Pulumi language (YAML, TypeScript, Go, C#) and ``pulumi import`` reach them.

``_adapter`` puts the very providers the Python resources use behind Pulumi's
provider-plugin protocol (``pulumi.provider.experimental``); ``_schema`` is the package
schema, generated from each resource's table; ``_names`` maps snake_case to camelCase.
"""
