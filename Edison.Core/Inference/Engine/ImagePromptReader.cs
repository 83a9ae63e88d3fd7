using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using LLama;
using LLama.Native;

namespace Edison.Core.Inference.Engine;

/// <summary>A prompt with images, read into one sequence through the multimodal projector.</summary>
internal static class ImagePromptReader
{
    /// <summary>
    /// Decodes the images, places them at their markers in the prompt and evaluates it all into
    /// <paramref name="sequence"/>, the last position's logits ready to sample; returns the positions it took.
    /// </summary>
    public static int Read(LoadedModel model, MtmdWeights vision, LLamaContext context, GenerationRequest request, LLamaSeqId sequence)
    {
        var images = new List<SafeMtmdEmbed>();
        SafeMtmdInputChunks? chunks = null;
        try
        {
            var encoded = request.Images ?? [];
            for (int i = 0; i < encoded.Count; i++)
            {
                images.Add(SafeMtmdEmbed.FromMediaBuffer(vision.NativeHandle, encoded[i])
                           ?? throw new UnreadableImageException($"Image {i + 1} could not be decoded."));
            }

            // The multimodal tokenizer takes one string and parses control tokens in all of it: content is made inert first.
            if (vision.Tokenize(model.ToInertText(request.Prompt), addSpecial: true, parseSpecial: true, images.ToArray(), out chunks) != 0 || chunks is null)
            {
                throw new UnreadableImageException("The images could not be placed in the prompt.");
            }

            long positions = chunks.CountPositions();
            if (positions >= model.ContextSize)
            {
                throw new PromptTooLongException((int)positions, model.ContextSize);
            }

            int past = 0;
            if (vision.EvaluateChunks(chunks, context.NativeHandle, ref past, (int)sequence, (int)context.BatchSize, logitsLast: true) != 0)
            {
                throw new UnreadableImageException("The model could not read the images.");
            }

            return past;
        }
        finally
        {
            chunks?.Dispose();
            foreach (var image in images)
            {
                image.Dispose();
            }
        }
    }
}
