using Edison.Core.Inference.Prompts;
using LLama.Native;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// A GBNF grammar (root rule <c>root</c>) the answer must follow from the moment one of <see cref="Triggers"/> is
/// sampled (that token is the grammar's first), or from the start when there are none.
/// </summary>
/// <param name="Tokens">The model's tokens by their first byte, to check few when the grammar allows few.</param>
/// <param name="Named">Tokens the grammar names by id (<c>&lt;[id]&gt;</c>): no byte's check says whether it takes them.</param>
public sealed record SamplingGrammar(string Gbnf, IReadOnlyList<LLamaToken> Triggers, TokensByFirstByte Tokens, IReadOnlyList<LLamaToken>? Named = null);
