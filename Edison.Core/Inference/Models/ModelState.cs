namespace Edison.Core.Inference.Models;

public enum ModelState
{
    Loading,
    Ready,
    Failed,
}
