# Edison with llama.cpp's CUDA 12 backend. Build: docker build -t edison .
# Run:   docker run --gpus all -p 8080:8080 -v ~/models:/models -v edison-data:/data \
#          -e Edison__Model__Path=/models/your-model.gguf -e Edison__Model__GpuLayerCount=999 edison

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so the package layer is cached across source changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY Edison.Core/Edison.Core.csproj Edison.Core/
COPY Edison.Web/Edison.Web.csproj Edison.Web/
RUN dotnet restore Edison.Web/Edison.Web.csproj -r linux-x64 -p:EdisonBackend=Cuda12
COPY Edison.Core/ Edison.Core/
COPY Edison.Web/ Edison.Web/
RUN dotnet publish Edison.Web/Edison.Web.csproj -c Release -r linux-x64 --self-contained false --no-restore \
        -p:EdisonBackend=Cuda12 -o /app

# The CUDA runtime (cuBLAS included) on Ubuntu 24.04, the same base as the .NET 10 images.
FROM nvidia/cuda:12.6.3-runtime-ubuntu24.04 AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libicu74 libgomp1 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=mcr.microsoft.com/dotnet/aspnet:10.0 /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet

WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_RUNNING_IN_CONTAINER=true \
    Edison__DataPath=/data
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["dotnet", "Edison.Web.dll"]
