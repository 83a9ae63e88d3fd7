namespace Edison.Core.Gguf;

/// <summary>Mistral Small 3.1's chat template (Mistral's v7-tekken) and its control tokens, for the models Edison writes.</summary>
public static class Mistral
{
    /// <summary>
    /// Mistral's template for tools, as Mistral Small 3.1 ships it but for the default system prompt: the tools before the
    /// last <c>[INST]</c>, calls as a JSON array after <c>[TOOL_CALLS]</c> with nine-character ids, results between
    /// <c>[TOOL_RESULTS]</c> tags.
    /// </summary>
    public const string Template = """
        {{- bos_token }}
        {%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content'] %}{%- set loop_messages = messages[1:] %}
        {%- else %}{%- set loop_messages = messages %}{%- endif %}
        {%- if not tools is defined %}{%- set tools = none %}{%- endif %}
        {%- if system_message is defined %}{{- '[SYSTEM_PROMPT]' + system_message + '[/SYSTEM_PROMPT]' }}{%- endif %}
        {%- set user_messages = loop_messages | selectattr("role", "equalto", "user") | list %}
        {%- for message in loop_messages %}
            {%- if message["role"] == "user" %}
                {%- if tools is not none and (message == user_messages[-1]) %}
                    {{- "[AVAILABLE_TOOLS] [" }}
                    {%- for tool in tools %}{{- tool|tojson }}{%- if not loop.last %}{{- ", " }}{%- endif %}{%- endfor %}
                    {{- "][/AVAILABLE_TOOLS]" }}
                {%- endif %}
                {{- '[INST]' + message['content'] + '[/INST]' }}
            {%- elif message.tool_calls is defined %}
                {{- "[TOOL_CALLS] [" }}
                {%- for tool_call in message.tool_calls %}
                    {%- set out = tool_call.function|tojson %}
                    {{- out[:-1] + ', "id": "' + tool_call.id[-9:] + '"}' }}
                    {%- if not loop.last %}{{- ", " }}{%- else %}{{- "]" + eos_token }}{%- endif %}
                {%- endfor %}
            {%- elif message['role'] == 'assistant' %}
                {{- message['content'] + eos_token }}
            {%- elif message["role"] == "tool" %}
                {{- '[TOOL_RESULTS] {"content": ' + message.content|string + ', "call_id": "' + message.tool_call_id[-9:] + '"}[/TOOL_RESULTS]' }}
            {%- endif %}
        {%- endfor %}
        """;

    public static readonly IReadOnlyList<string> Tokens =
        ["[INST]", "[/INST]", "[SYSTEM_PROMPT]", "[/SYSTEM_PROMPT]", "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]", "[TOOL_CALLS]", "[TOOL_RESULTS]", "[/TOOL_RESULTS]"];
}
