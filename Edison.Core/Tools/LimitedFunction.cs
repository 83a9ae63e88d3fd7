using Edison.Core.Inference.Tools;
using Microsoft.Extensions.AI;

namespace Edison.Core.Tools;

/// <summary>
/// A tool held to Edison's limits: a call that runs past <see cref="ToolOptions.CallTimeout"/> fails with a message the
/// model reads, and a result longer than <see cref="ToolOptions.MaxResultCharacters"/> is cut, saying so, so that one
/// call cannot fill the context or hold the answer forever.
/// </summary>
public sealed class LimitedFunction(AIFunction inner, ToolOptions options) : DelegatingAIFunction(inner)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.CallTimeout);
        object? result;
        try
        {
            result = await base.InvokeCoreAsync(arguments, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ToolFailedException($"{Name} did not finish within {options.CallTimeout.TotalSeconds:0.#} s.");
        }

        var text = FunctionCalls.ResultText(result);
        return text.Length <= options.MaxResultCharacters
            ? text
            : $"{text[..options.MaxResultCharacters]}\n[Cut: the result is {text.Length} characters; these are the first {options.MaxResultCharacters}.]";
    }
}
