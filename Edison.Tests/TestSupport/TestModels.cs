using System.Collections.Concurrent;
using Edison.Core.Inference.Models;
using Edison.Core.ModelFiles;
using Edison.Core.Gguf;

namespace Edison.Tests.TestSupport;

/// <summary>
/// GGUF files written by Edison's own writer into a temporary folder, once per test run: no test needs the
/// internet or the planners' sample models.
/// </summary>
public static class TestModels
{
    /// <summary>The answer of <see cref="Greeting"/>: a comma, a word, an emoji split over four byte tokens.</summary>
    public const string GreetingAnswer = "Hello, world! 🦙";

    /// <summary>The answer of <see cref="Story"/>: CJK and emoji characters, each split over byte tokens.</summary>
    public const string StoryAnswer = "Once upon a time 🦙 a llama from 日本 wrote a story, and it was a good story.";

    private static readonly string Folder = CreateFolder();
    private static readonly ConcurrentDictionary<string, Lazy<string>> Written = new();

    /// <summary>A model with the ChatML template that answers <see cref="GreetingAnswer"/>.</summary>
    public static string Greeting => Write(new ScriptedModelSpec(
        "greeting", GreetingAnswer, ChatTemplate: ChatMl.Template, ControlTokens: ChatMl.Tokens));

    /// <summary>What the thinking models think before they answer <see cref="ThoughtAnswer"/>.</summary>
    public const string Thought = "The user asks about a capital. I recall it: Paris.";

    public const string ThoughtAnswer = "France's capital is Paris!";

    /// <summary>A model that thinks as Qwen3 does: it opens its thinking with &lt;think&gt; itself, then answers.</summary>
    public static string Thinking => Write(new ScriptedModelSpec(
        "thinking",
        $"<think>\n{Thought}\n</think>\n\n{ThoughtAnswer}",
        ChatTemplate: ChatMl.ThinkingTemplate,
        ControlTokens: ChatMl.Tokens,
        MarkerTokens: ChatMl.ThinkTokens));

    /// <summary>A model that thinks as QwQ and the R1 distills do: its template opens the thinking, the model closes it.</summary>
    public static string ThinkingOpened => Write(new ScriptedModelSpec(
        "thinking-opened",
        $"{Thought}\n</think>\n\n{ThoughtAnswer}",
        ChatTemplate: ChatMl.ThinkingOpenedTemplate,
        ControlTokens: ChatMl.Tokens,
        MarkerTokens: ChatMl.ThinkTokens));

    /// <summary>A model that thinks as gpt-oss does: its analysis channel, then its answer in the final channel.</summary>
    public static string ThinkingHarmony => Write(new ScriptedModelSpec(
        "thinking-harmony",
        $"<|channel|>analysis<|message|>{Thought}<|end|><|start|>assistant<|channel|>final<|message|>{ThoughtAnswer}",
        ChatTemplate: Harmony.Template,
        ControlTokens: Harmony.Tokens,
        MarkerTokens: Harmony.Markers));

    /// <summary>A Qwen3-style model that never stops: it thinks, answers "Done.", and opens its thinking again.</summary>
    public static string ThinkingEndless => Write(new ScriptedModelSpec(
        "thinking-endless",
        "<think>\nI keep thinking about rivers and seas and clouds\n</think>\n\nDone.",
        Repeat: true,
        ChatTemplate: ChatMl.ThinkingTemplate,
        ControlTokens: ChatMl.Tokens,
        MarkerTokens: ChatMl.ThinkTokens));

    /// <summary>The call <see cref="ToolCalling"/> makes, as Qwen writes one: a JSON object with the function's name and arguments.</summary>
    public const string WeatherCall = "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}";

    /// <summary>A model with Qwen 2.5's template for tools that answers any message by calling get_weather for Paris.</summary>
    public static string ToolCalling => Write(new ScriptedModelSpec(
        "tool-calling",
        $"<tool_call>\n{WeatherCall}\n</tool_call>",
        ChatTemplate: ChatMl.ToolsTemplate,
        ControlTokens: ChatMl.Tokens,
        MarkerTokens: ChatMl.ToolCallTokens));

    /// <summary>A model with Meta's Llama 3.1 template that answers any message with a call of get_weather for Paris.</summary>
    public static string Llama3ToolCalling => Write(new ScriptedModelSpec(
        "llama3-tool-calling",
        "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}",
        ChatTemplate: Llama3.Template,
        ControlTokens: Llama3.Tokens));

    /// <summary>
    /// A model with Mistral Small 3.1's template that answers any message with a short line, then calls get_weather for
    /// Paris after the control token <c>[TOOL_CALLS]</c>, as a JSON array with an id as Mistral writes one.
    /// </summary>
    public static string MistralToolCalling => Write(new ScriptedModelSpec(
        "mistral-tool-calling",
        $"Let me look. [TOOL_CALLS] [{{\"name\": \"get_weather\", \"arguments\": {{\"city\": \"Paris\", \"unit\": \"celsius\"}}, \"id\": \"a1b2c3d4e\"}}]",
        ChatTemplate: Mistral.Template,
        ControlTokens: Mistral.Tokens));

    /// <summary>
    /// A model with gpt-oss's template for tools that thinks in its analysis channel, then calls get_weather for Paris in
    /// its commentary channel, as gpt-oss writes a call (ended by <c>&lt;|call|&gt;</c>).
    /// </summary>
    public static string HarmonyToolCalling => Write(new ScriptedModelSpec(
        "harmony-tool-calling",
        $"<|channel|>analysis<|message|>{ToolThought}<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>"
            + "{\"city\": \"Paris\", \"unit\": \"celsius\"}<|call|>",
        ChatTemplate: Harmony.ToolsTemplate,
        ControlTokens: Harmony.Tokens,
        MarkerTokens: Harmony.Markers));

    /// <summary>
    /// A gpt-oss model that tells the person what it is about to do in its commentary channel (a preamble, which is
    /// answer text), then calls get_weather for Paris.
    /// </summary>
    public static string HarmonyPreambleToolCalling => Write(new ScriptedModelSpec(
        "harmony-preamble-tool-calling",
        $"<|channel|>analysis<|message|>{ToolThought}<|end|><|start|>assistant<|channel|>commentary<|message|>Let me check the sky.<|end|>"
            + "<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\": \"Paris\"}<|call|>",
        ChatTemplate: Harmony.ToolsTemplate,
        ControlTokens: Harmony.Tokens,
        MarkerTokens: Harmony.Markers));

    /// <summary>A model with Meta's Llama 3.1 template that writes its call after the code interpreter's tag, as Llama 3.1 may.</summary>
    public static string Llama3PythonTagToolCalling => Write(new ScriptedModelSpec(
        "llama3-python-tag-tool-calling",
        "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eom_id|>",
        ChatTemplate: Llama3.Template,
        ControlTokens: Llama3.Tokens));

    /// <summary>What <see cref="ThinkingToolCalling"/> thinks before it calls get_weather.</summary>
    public const string ToolThought = "The user wants the weather in Paris, so I call get_weather.";

    /// <summary>A model that thinks as Qwen3 does, then calls get_weather for Paris.</summary>
    public static string ThinkingToolCalling => Write(new ScriptedModelSpec(
        "thinking-tool-calling",
        $"<think>\n{ToolThought}\n</think>\n\n<tool_call>\n{WeatherCall}\n</tool_call>",
        ChatTemplate: ChatMl.ThinkingToolsTemplate,
        ControlTokens: ChatMl.Tokens,
        MarkerTokens: [.. ChatMl.ThinkTokens, .. ChatMl.ToolCallTokens]));

    /// <summary>
    /// A small model with random weights and Qwen 2.5's template for tools: it writes nonsense, so whatever it calls is
    /// well formed only because the grammar holds it to that.
    /// </summary>
    public static string NonsenseWithTools => Written.GetOrAdd("nonsense-tools", name => new Lazy<string>(() =>
    {
        var path = Path.Combine(Folder, name + ".gguf");
        RandomModelWriter.Write(
            new RandomModelSpec(name, Embedding: 128, Layers: 2, Heads: 4, FeedForward: 256, ContextLength: 4096, VocabularySize: 1200, ChatMl.ToolsTemplate, ChatMl.ToolCallTokens),
            path);
        return path;
    })).Value;

    /// <summary>A model without a chat template (the plain fallback prompt) that answers <see cref="StoryAnswer"/>.</summary>
    public static string Story => Write(new ScriptedModelSpec("story", StoryAnswer));

    /// <summary>A model that writes maths and code without end: for the page typesetting and highlighting as an answer streams.</summary>
    public static string EndlessMaths => Write(new ScriptedModelSpec(
        "endless-maths", "The area is $\\pi r^2$ and `x` then \\(a^2+b^2\\) again. ", Repeat: true, ContextLength: 32768));

    /// <summary>A model that never ends its answer: for Stop, disconnects and max_tokens.</summary>
    public static string Endless => Write(new ScriptedModelSpec(
        "endless", "and on and on it went", Repeat: true, ContextLength: 32768));

    /// <summary>A fallback-prompt model whose answer contains the fallback's stop string "\nUser:".</summary>
    public static string Talkative => Write(new ScriptedModelSpec("talkative", "Sure.\nUser: this line is the model talking to itself"));

    /// <summary>
    /// A model whose attention matters: its answer depends on the whole prompt, so an answer disturbed by another
    /// conversation's tokens in the KV cache would come out different.
    /// </summary>
    public static string Attentive => Write(new ScriptedModelSpec("attentive", StoryAnswer, Repeat: true, AttentionWeight: 15f));

    /// <summary>
    /// A small model with random weights and a ChatML template: every token of the prompt sways its answer, so an
    /// answer that read a single wrong token (another conversation's cached cells, say) comes out different.
    /// </summary>
    public static string Sensitive => Written.GetOrAdd("sensitive", name => new Lazy<string>(() =>
    {
        var path = Path.Combine(Folder, name + ".gguf");
        RandomModelWriter.Write(new RandomModelSpec(name, Embedding: 128, Layers: 2, Heads: 4, FeedForward: 256, ContextLength: 4096, VocabularySize: 1200), path);
        return path;
    })).Value;

    /// <summary>
    /// A multimodal projector for the scripted models (64 wide): with it they see images, each encoded by llama.cpp's
    /// vision path into <see cref="ImageTokens"/> tokens.
    /// </summary>
    public static string Projector => Written.GetOrAdd("projector", name => new Lazy<string>(() =>
    {
        var path = Path.Combine(Folder, name + ".gguf");
        ProjectorModelWriter.Write(new ProjectorModelSpec(name, TextEmbedding: 64, ImageSize: 28, PatchSize: 14), path);
        return path;
    })).Value;

    /// <summary>The tokens one image takes with <see cref="Projector"/>: (28 / 14)² patches, whatever the picture's size.</summary>
    public const int ImageTokens = 4;

    /// <summary>One folder per test run, removed when the run ends, so runs do not pile models up in /tmp.</summary>
    private static string CreateFolder()
    {
        var folder = Directory.CreateTempSubdirectory("edison-test-models-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still mapped by a model that was not unloaded: the system's temp cleanup gets it later.
            }
        };
        return folder;
    }

    public static string Write(ScriptedModelSpec spec) =>
        Written.GetOrAdd(spec.Name, name => new Lazy<string>(() =>
        {
            var path = Path.Combine(Folder, name + ".gguf");
            ScriptedModelWriter.Write(spec, path);
            return path;
        })).Value;
}
