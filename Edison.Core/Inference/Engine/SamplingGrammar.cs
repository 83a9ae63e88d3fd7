using LLama.Native;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// A GBNF grammar (root rule <c>root</c>) the answer must follow from the moment one of <see cref="Triggers"/> is
/// sampled (that token is the grammar's first), or from the start when there are none.
/// </summary>
public sealed record SamplingGrammar(string Gbnf, IReadOnlyList<LLamaToken> Triggers);
