using Edison.Core.Inference.Models;
using Edison.Core.ModelFiles;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Core.ModelFiles;

public sealed class ModelFileCheckTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edison-model-check-");

    [Fact]
    public void A_missing_file_is_named_with_the_problem()
    {
        var path = Path.Combine(_folder.FullName, "nope.gguf");

        var error = Assert.Throws<ModelFileException>(() => ModelFileCheck.Validate(path));

        Assert.Equal($"Edison:Model:Path \"{path}\": file not found", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_GGUF_is_refused()
    {
        var path = Path.Combine(_folder.FullName, "notes.gguf");
        File.WriteAllText(path, "these are my notes, not a model, but long enough");

        var error = Assert.Throws<ModelFileException>(() => ModelFileCheck.Validate(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a GGUF file", error.Message);
    }

    [Fact]
    public void A_folder_is_refused()
    {
        var error = Assert.Throws<ModelFileException>(() => ModelFileCheck.Validate(_folder.FullName));

        Assert.Contains("is a folder", error.Message);
    }

    [Fact]
    public void A_real_GGUF_passes()
    {
        ModelFileCheck.Validate(TestModels.Story);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
