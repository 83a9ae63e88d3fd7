using System.Security.Cryptography;

namespace Edison.Core.Inference.Tools;

/// <summary>A call the model made: the function's name and its arguments, a JSON object as text.</summary>
/// <param name="Id">What the call's result names it by (OpenAI's <c>tool_call_id</c>).</param>
public sealed record ToolCall(string Id, string Name, string Arguments)
{
    private const string IdCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A fresh id in OpenAI's shape: <c>call_</c> and 24 random letters and digits.</summary>
    public static string NewId() => "call_" + RandomNumberGenerator.GetString(IdCharacters, 24);
}
