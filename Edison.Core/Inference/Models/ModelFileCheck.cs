namespace Edison.Core.Inference.Models;

/// <summary>Fast checks of a configured model file, run before start-up goes on, so a wrong path fails at once.</summary>
public static class ModelFileCheck
{
    private const int HeaderBytes = 24;

    public static void Validate(string path, string setting = ModelFileException.ModelPathSetting)
    {
        if (Directory.Exists(path))
        {
            throw new ModelFileException(path, "is a folder, not a GGUF file", setting);
        }

        if (!File.Exists(path))
        {
            throw new ModelFileException(path, "file not found", setting);
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        try
        {
            using var file = File.OpenRead(path);
            if (file.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes)
            {
                throw new ModelFileException(path, $"only {file.Length} bytes long, too short to be a GGUF file", setting);
            }
        }
        catch (IOException e)
        {
            throw new ModelFileException(path, $"cannot be read ({e.Message})", setting);
        }
        catch (UnauthorizedAccessException)
        {
            throw new ModelFileException(path, "cannot be read (permission denied)", setting);
        }

        if (!header[..4].SequenceEqual("GGUF"u8))
        {
            throw new ModelFileException(path, "not a GGUF file (it does not start with the GGUF magic bytes)", setting);
        }

        uint version = BitConverter.ToUInt32(header[4..8]);
        if (version is < 2 or > 3)
        {
            throw new ModelFileException(path, $"GGUF version {version} is not supported (2 or 3 expected)", setting);
        }
    }
}
