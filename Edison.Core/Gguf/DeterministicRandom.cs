namespace Edison.Core.Gguf;

/// <summary>xorshift32: the same small weights on every machine and every run, so a written model answers the same everywhere.</summary>
internal sealed class DeterministicRandom(uint seed)
{
    private uint _state = seed;

    public float[] Fill(int count, float scale = 1f)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            _state ^= _state << 13;
            _state ^= _state >> 17;
            _state ^= _state << 5;
            values[i] = (_state / (float)uint.MaxValue - 0.5f) * 0.1f * scale;
        }

        return values;
    }
}
